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

  // Where the per-backend summary ends on this screen, for the browser test
  // that proves it fits the first screen (1400x900).
  var cards = document.querySelector('#overview .ov-cards');
  if (cards) {
    body.setAttribute('data-overview-bottom', String(Math.round(cards.getBoundingClientRect().bottom + window.scrollY)));
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

  // Chart.js has no error bars, so this plugin draws, at each point, the
  // interval the data carries (the bootstrap 95% interval of the median, or
  // for tails the min-max over repetitions) as a capped whisker, and every
  // repetition as a small dot beside it, using Chart.js's own positions.
  var spreadPlugin = {
    id: 'actorspecSpread',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var y = chart.scales.y;
      chart.data.datasets.forEach(function (ds, di) {
        if (!ds.spread || !chart.isDatasetVisible(di)) return;
        chart.getDatasetMeta(di).data.forEach(function (el, i) {
          var p = ds.spread[i];
          if (!p || el.skip) return;
          var x = el.x;
          var top = y.getPixelForValue(p.hi), bottom = y.getPixelForValue(p.lo);
          ctx.save();
          ctx.strokeStyle = ds.borderColor;
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          ctx.moveTo(x, top); ctx.lineTo(x, bottom);
          ctx.moveTo(x - 5, top); ctx.lineTo(x + 5, top);
          ctx.moveTo(x - 5, bottom); ctx.lineTo(x + 5, bottom);
          ctx.stroke();
          if (p.reps && p.reps.length) {
            ctx.fillStyle = withAlpha(ds.borderColor, 0.55);
            var n = p.reps.length;
            p.reps.forEach(function (r, k) {
              var dx = 9 + (n > 1 ? (k / (n - 1)) * 6 : 3);
              ctx.beginPath();
              ctx.arc(x + dx, y.getPixelForValue(r), 2, 0, 2 * Math.PI);
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
    var lo = Infinity, hi = -Infinity;
    spec.series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (!p) return;
        [p.y, p.lo, p.hi].concat(p.reps || []).forEach(function (v) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        });
      });
    });
    return { lo: lo, hi: hi };
  }

  function tooltip(spec) {
    return {
      callbacks: {
        title: function (items) {
          if (!items.length) return '';
          var p = items[0].dataset.spread[items[0].dataIndex];
          return p ? p.name : '';
        },
        label: function (item) {
          var p = item.dataset.spread[item.dataIndex];
          if (!p) return item.dataset.label;
          var text = item.dataset.label + ': median ' + fmt(p.y) + ' ' + spec.unit;
          if (p.lo !== p.hi) text += ' [' + fmt(p.lo) + ' – ' + fmt(p.hi) + ']';
          if (p.n) text += ', ' + p.n + ' reps';
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
    if (exp >= 5) return mant + 'e' + exp;
    return exp >= 0 ? String(Math.round(value)) : value.toFixed(-exp);
  }

  // A log axis spans the data with a margin, never an arbitrary floor; a
  // linear one starts at zero so distances compare as ratios do.
  function yAxis(spec) {
    var e = extent(spec);
    var axis = {
      type: spec.yLog ? 'logarithmic' : 'linear',
      title: { display: true, text: spec.yTitle },
      grid: { color: '#e6e8eb' }
    };
    if (spec.yLog && e.lo > 0 && isFinite(e.lo)) {
      axis.ticks = { callback: logTick };
      axis.min = e.lo / 1.3;
      axis.max = e.hi * 1.3;
    } else {
      axis.type = 'linear';
      axis.beginAtZero = true;
      axis.suggestedMax = e.hi * 1.08;
    }
    return axis;
  }

  // Categories on a linear axis, so each backend sits side by side at its
  // category and the whiskers and repetition dots do not overlap.
  function dotConfig(spec) {
    var nb = spec.series.length;
    var width = Math.min(0.7, 0.22 * nb);
    return {
      type: 'scatter',
      data: {
        datasets: spec.series.map(function (s, bi) {
          var off = nb > 1 ? -width / 2 + bi * width / (nb - 1) : 0;
          var pts = [], spread = [];
          s.points.forEach(function (p, i) {
            if (!p) return;
            pts.push({ x: i + off, y: p.y });
            spread.push(p);
          });
          return {
            label: s.backend, data: pts, spread: spread,
            borderColor: s.color, backgroundColor: s.color, pointStyle: s.marker,
            pointRadius: 5, pointHoverRadius: 7, showLine: false
          };
        })
      },
      options: {
        scales: {
          x: {
            type: 'linear', min: -0.6, max: spec.labels.length - 0.4,
            grid: { display: false },
            afterBuildTicks: function (axis) {
              axis.ticks = spec.labels.map(function (_, i) { return { value: i }; });
            },
            ticks: { autoSkip: false, maxRotation: 30, callback: function (v) { return spec.labels[v] || ''; } }
          },
          y: yAxis(spec)
        },
        plugins: { tooltip: tooltip(spec) }
      }
    };
  }

  // Ticks exactly at the swept sizes, which is what a reader looks up.
  function sweepAxis(spec) {
    if (spec.xSteps) {
      return {
        type: 'linear', min: -0.3, max: spec.xSteps.length - 0.7,
        title: { display: true, text: spec.xTitle },
        grid: { color: '#eef0f2' },
        afterBuildTicks: function (axis) {
          axis.ticks = spec.xSteps.map(function (_, i) { return { value: i }; });
        },
        ticks: { callback: function (v) { return spec.xSteps[v] !== undefined ? spec.xSteps[v] : ''; } }
      };
    }
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

  function lineConfig(spec) {
    return {
      type: 'scatter',
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
            pointRadius: s.flat ? 0 : 4,
            pointHoverRadius: 6,
            borderWidth: 2,
            borderDash: s.dash,
            showLine: true,
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
      var config = spec.kind === 'dot' ? dotConfig(spec) : lineConfig(spec);
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
