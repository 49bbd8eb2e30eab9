// Draws the report's charts with the inlined Chart.js from the JSON in
// #report-data, then leaves markers a headless browser test can check:
// <body data-charts-rendered="N"> (compare with data-charts-expected) and
// data-rendered="1" on every canvas that has been drawn.
(function () {
  'use strict';
  var body = document.body;
  var rendered = 0;
  body.setAttribute('data-charts-rendered', '0');

  function fail(message) {
    body.setAttribute('data-charts-error', String(message));
  }
  window.addEventListener('error', function (e) { fail(e.message || 'script error'); });

  // The matrix filter works without charts, so wire it first.
  var toggle = document.getElementById('only-problems');
  var matrix = document.getElementById('matrix');
  if (toggle && matrix) {
    toggle.addEventListener('change', function () {
      matrix.classList.toggle('only-problems', toggle.checked);
    });
  }

  var data;
  try {
    data = JSON.parse(document.getElementById('report-data').textContent);
  } catch (e) {
    fail('cannot read report data: ' + e);
    return;
  }
  if (typeof Chart === 'undefined') {
    fail('Chart.js did not load');
    return;
  }

  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#3d4451';

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var a = Math.abs(v);
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    return v.toPrecision(3);
  }

  function withAlpha(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  // Chart.js has no error bars, so this plugin draws the spread over the
  // repetitions (min-max whisker, and for bars one dot per repetition) on
  // top of each bar or point, using Chart.js's own element positions.
  var spreadPlugin = {
    id: 'actorspecSpread',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var y = chart.scales.y;
      var isBar = chart.config.type === 'bar';
      chart.data.datasets.forEach(function (ds, di) {
        if (!ds.spread || !chart.isDatasetVisible(di)) return;
        chart.getDatasetMeta(di).data.forEach(function (el, i) {
          var p = ds.spread[i];
          if (!p || el.skip) return;
          var x = el.x;
          var half = isBar ? Math.max(3, Math.min(7, (el.width || 12) / 4)) : 4;
          var top = y.getPixelForValue(p.max), bottom = y.getPixelForValue(p.min);
          ctx.save();
          ctx.strokeStyle = '#1f2328';
          ctx.lineWidth = 1.25;
          ctx.beginPath();
          ctx.moveTo(x, top); ctx.lineTo(x, bottom);
          ctx.moveTo(x - half, top); ctx.lineTo(x + half, top);
          ctx.moveTo(x - half, bottom); ctx.lineTo(x + half, bottom);
          ctx.stroke();
          if (isBar && p.reps && p.reps.length) {
            ctx.fillStyle = 'rgba(31,35,40,0.55)';
            var n = p.reps.length, w = Math.min((el.width || 12) * 0.55, 22);
            p.reps.forEach(function (r, k) {
              var dx = n > 1 ? (k / (n - 1) - 0.5) * w : 0;
              ctx.beginPath();
              ctx.arc(x + dx, y.getPixelForValue(r), 1.7, 0, 2 * Math.PI);
              ctx.fill();
            });
          }
          ctx.restore();
        });
      });
    }
  };

  var markerPlugin = {
    id: 'actorspecRendered',
    afterRender: function (chart) {
      var canvas = chart.canvas;
      if (canvas.getAttribute('data-rendered') !== '1') {
        canvas.setAttribute('data-rendered', '1');
        rendered += 1;
        body.setAttribute('data-charts-rendered', String(rendered));
      }
    }
  };

  function extent(spec) {
    var lo = Infinity, hi = 0;
    spec.series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (!p) return;
        lo = Math.min(lo, p.min, p.y);
        hi = Math.max(hi, p.max, p.y);
      });
    });
    return { lo: lo, hi: hi };
  }

  function tooltip(spec) {
    return {
      callbacks: {
        label: function (item) {
          var p = item.dataset.spread[item.dataIndex];
          if (!p) return item.dataset.label;
          var text = item.dataset.label + ': median ' + fmt(p.y) + ' ' + spec.unit;
          if (p.n > 1) text += ' (min ' + fmt(p.min) + ', max ' + fmt(p.max) + ', ' + p.n + ' reps, CV ' + (100 * p.cv).toFixed(1) + '%)';
          return text;
        }
      }
    };
  }

  // Label only 1-2-5 steps of each decade: log axes get crowded otherwise.
  function logTick(value) {
    var exp = Math.floor(Math.log10(value));
    var mant = Math.round(value / Math.pow(10, exp) * 1000) / 1000;
    if (mant !== 1 && mant !== 2 && mant !== 5) return '';
    return exp >= 0 ? String(Math.round(value)) : value.toFixed(-exp);
  }

  function yAxis(spec) {
    var e = extent(spec);
    var axis = {
      type: spec.yLog ? 'logarithmic' : 'linear',
      title: { display: true, text: spec.yTitle },
      grid: { color: '#e6e8eb' }
    };
    if (spec.yLog) axis.ticks = { callback: logTick };
    if (spec.yLog && e.lo > 0 && isFinite(e.lo)) {
      // Whole decades keep log ticks readable and leave room for whiskers.
      axis.min = Math.pow(10, Math.floor(Math.log10(e.lo)));
      axis.max = Math.pow(10, Math.ceil(Math.log10(e.hi * 1.02)));
    } else {
      axis.beginAtZero = true;
      axis.suggestedMax = e.hi * 1.05;
    }
    return axis;
  }

  function barConfig(spec) {
    return {
      type: 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s) {
          return {
            label: s.backend,
            data: s.points.map(function (p) { return p ? p.y : null; }),
            spread: s.points,
            backgroundColor: withAlpha(s.color, 0.78),
            borderColor: s.color,
            borderWidth: 1,
            pointStyle: s.marker,
            maxBarThickness: 56
          };
        })
      },
      options: {
        scales: {
          x: { title: { display: !!spec.xTitle, text: spec.xTitle }, grid: { display: false } },
          y: yAxis(spec)
        },
        plugins: { tooltip: tooltip(spec) }
      }
    };
  }

  // Ticks exactly at the swept sizes, which is what a reader looks up.
  function sweepAxis(spec) {
    var xs = [];
    spec.series.forEach(function (s) {
      s.points.forEach(function (p) { if (p && xs.indexOf(p.x) < 0) xs.push(p.x); });
    });
    xs.sort(function (a, b) { return a - b; });
    var lo = xs.length ? xs[0] : 1, hi = xs.length ? xs[xs.length - 1] : 10;
    return {
      type: 'logarithmic',
      min: lo / 1.25,
      max: hi * 1.25,
      title: { display: true, text: spec.xTitle },
      grid: { color: '#eef0f2' },
      afterBuildTicks: function (axis) {
        axis.ticks = xs.map(function (v) { return { value: v }; });
      },
      ticks: { callback: function (value) { return String(value); } }
    };
  }

  function sweepConfig(spec) {
    return {
      type: 'line',
      data: {
        datasets: spec.series.map(function (s) {
          var pts = s.points.filter(function (p) { return p; });
          return {
            label: s.backend,
            data: pts.map(function (p) { return { x: p.x, y: p.y }; }),
            spread: pts,
            borderColor: s.color,
            backgroundColor: s.color,
            pointStyle: s.marker,
            pointRadius: 4,
            pointHoverRadius: 6,
            borderWidth: 2,
            borderDash: s.dash,
            tension: 0
          };
        })
      },
      options: {
        scales: {
          x: sweepAxis(spec),
          y: yAxis(spec)
        },
        plugins: { tooltip: tooltip(spec) }
      }
    };
  }

  data.charts.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) { fail('no canvas for ' + spec.id); return; }
    try {
      var config = spec.kind === 'sweep' ? sweepConfig(spec) : barConfig(spec);
      config.options.animation = false;
      config.options.responsive = true;
      config.options.maintainAspectRatio = false;
      config.options.plugins.legend = { position: 'top', labels: { usePointStyle: true, boxWidth: 7, boxHeight: 7, padding: 16 } };
      config.plugins = [spreadPlugin, markerPlugin];
      new Chart(canvas, config);
    } catch (e) {
      fail(spec.id + ': ' + e);
    }
  });
  body.setAttribute('data-charts-done', '1');
})();
