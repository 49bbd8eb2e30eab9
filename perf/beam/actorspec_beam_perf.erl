%% The perf suite's families on Erlang/OTP: the same work, the same sizes and
%% the same repetitions as perf/*.cpp (see perf/README.md), timed inside the
%% node with erlang:monotonic_time around the measured work only, written as
%% Google Benchmark JSON with names family/args/beam.
%%
%%   erl -noshell [+S 1] -pa EBIN -run actorspec_beam_perf main MODE GROUP OUT.json [REPS [FILTER]]
%%
%% MODE is quick or full (sizes and default repetitions as the C++ suite:
%% 3 and 9). GROUP is one_worker (the rows the C++ suite runs on one worker,
%% ping_pong/same_worker; run this node with +S 1) or default (every other
%% row; the node's default schedulers, one per core). FILTER is a regex over
%% names. Repetitions of all rows run in random order, as the C++ suite's
%% --benchmark_enable_random_interleaving does. Each repetition builds what
%% it needs in a fresh driver process, outside the timed region; a row whose
%% work was not done (a count, a sum, an order wrong) is written as an error,
%% never as a number. Exit status 0, or 1 if any row erred.
-module(actorspec_beam_perf).
-export([main/1]).

-define(TIMEOUT_MS, 300000).

main([Mode, Group, Out]) -> main([Mode, Group, Out, "default"]);
main([Mode0, Group0, Out, Reps0 | Filter0]) ->
    Mode = list_to_atom(Mode0), Group = list_to_atom(Group0),
    true = lists:member(Mode, [quick, full]) andalso lists:member(Group, [one_worker, default]),
    Reps = case Reps0 of "default" -> size(Mode, 3, 9); _ -> list_to_integer(Reps0) end,
    Rows = [R || R = {Name, G, _Ops, _Fun} <- beam_perf_families:rows(Mode), G =:= Group,
                 Filter0 =:= [] orelse re:run(Name, hd(Filter0)) =/= nomatch],
    Schedule = shuffle([{Row, Rep} || Row <- Rows, Rep <- lists:seq(0, Reps - 1)]),
    Total = length(Schedule),
    io:format("beam (~s, ~b schedulers): ~b rows x ~b repetitions, interleaved~n",
              [Group, erlang:system_info(schedulers_online), length(Rows), Reps]),
    Runs = lists:map(fun({I, {{Name, _, Ops, Fun}, Rep}}) ->
                             Run = repetition(Name, Ops, Fun),
                             progress(I, Total, Name, Run),
                             {Name, Rep, Ops, Run}
                     end, lists:zip(lists:seq(1, Total), Schedule)),
    Benchmarks = lists:append([rows_json(Name, Reps, [{Rep, Ops, Run} || {N, Rep, Ops, Run} <- Runs, N =:= Name],
                                         Index)
                               || {Index, {Name, _, _, _}} <- lists:zip(lists:seq(0, length(Rows) - 1), Rows)]),
    actorspec_json:write_file(Out, {obj, [{context, context(Mode, Group)}, {benchmarks, Benchmarks}]}),
    %% One line per row, as Google Benchmark's console prints aggregates
    %% (scripts/run shows these as its progress).
    [io:format("~ts ~.1f ns~n", [Name, Ns]) || {obj, KVs} <- Benchmarks,
                                             {aggregate_name, median} <- [lists:keyfind(aggregate_name, 1, KVs)],
                                             {name, Name} <- [lists:keyfind(name, 1, KVs)],
                                             {real_time, Ns} <- [lists:keyfind(real_time, 1, KVs)]],
    Errors = [N || {N, _, _, {error, _}} <- Runs],
    erlang:halt(case Errors of [] -> 0; _ -> 1 end).

size(quick, Q, _) -> Q;
size(full, _, F) -> F.

shuffle(L) -> [X || {_, X} <- lists:sort([{rand:uniform(), X} || X <- L])].

progress(_I, _Total, _Name, {ok, _Ns, _}) -> ok;
progress(I, Total, Name, {error, Why}) -> io:format("  [~b/~b] ~-44s ERROR ~ts~n", [I, Total, Name, Why]).

%% One repetition in a driver process of its own; the family function returns
%% {Seconds, Counters} for the batch of Ops operations. The driver then ends
%% with a reason that is not normal, so every helper it linked (ring members,
%% servers, parked processes) ends with it; the next repetition starts once
%% the node is back to the processes it had before.
repetition(_Name, Ops, Fun) ->
    Parent = self(),
    Baseline = erlang:system_info(process_count),
    {Pid, Ref} = spawn_monitor(fun() ->
        Cpu0 = cpu_ms(),
        {Seconds, Counters} = Fun(),
        Parent ! {done, self(), Seconds, Counters, cpu_ms() - Cpu0},
        exit(repetition_over)
    end),
    Result = receive
        {done, Pid, Seconds, Counters, CpuMs} ->
            repetition_over = await_down(Ref, Pid),
            {ok, Seconds * 1.0e9 / Ops, [{cpu_ns, CpuMs * 1.0e6 / Ops} | Counters]};
        {'DOWN', Ref, process, Pid, Why} ->
            {error, iolist_to_binary(io_lib:format("the driver process ended with ~0tP", [Why, 12]))}
    after ?TIMEOUT_MS ->
        exit(Pid, kill),
        {error, <<"the repetition did not finish in 300 s">>}
    end,
    settle(Baseline, erlang:monotonic_time(millisecond) + 30000),
    Result.

await_down(Ref, Pid) -> receive {'DOWN', Ref, process, Pid, Why} -> Why end.

%% Waits (yielding) until the helpers of the last repetition are gone.
settle(Baseline, Deadline) ->
    case erlang:system_info(process_count) =< Baseline orelse erlang:monotonic_time(millisecond) > Deadline of
        true -> ok;
        false -> erlang:yield(), settle(Baseline, Deadline)
    end.

%% CPU time of the whole node (every scheduler), in ms.
cpu_ms() -> element(1, erlang:statistics(runtime)).

rows_json(Name0, Reps, Runs0, Index) ->
    Runs = lists:keysort(1, Runs0),
    Label = beam_perf_families:label(Name0),
    Name = list_to_binary(Name0),
    Iter = [iteration(Name, Reps, Rep, Ops, Run, Index, Label) || {Rep, Ops, Run} <- Runs],
    Ok = [{Ns, Cs} || {_, _, {ok, Ns, Cs}} <- Runs],
    case length(Ok) =:= length(Runs) andalso Ok =/= [] of
        true -> Iter ++ [aggregate(Name, Reps, Agg, Ok, Index, Label) || Agg <- [mean, median, stddev, cv]];
        false -> Iter
    end.

common(Name, Index) ->
    [{family_index, Index}, {per_family_instance_index, 0}, {run_name, Name}].

iteration(Name, Reps, Rep, Ops, {ok, Ns, Counters}, Index, Label) ->
    {Cpu, Rest} = take(cpu_ns, Counters),
    {obj, [{name, Name} | common(Name, Index)] ++
          [{run_type, iteration}, {repetitions, Reps}, {repetition_index, Rep}, {threads, 1},
           {iterations, Ops}, {real_time, Ns}, {cpu_time, Cpu}, {time_unit, ns}] ++ Rest ++ [{label, Label}]};
iteration(Name, Reps, Rep, Ops, {error, Why}, Index, Label) ->
    {obj, [{name, Name} | common(Name, Index)] ++
          [{run_type, iteration}, {repetitions, Reps}, {repetition_index, Rep}, {threads, 1},
           {iterations, Ops}, {error_occurred, true}, {error_message, Why},
           {real_time, 0.0}, {cpu_time, 0.0}, {time_unit, ns}, {label, Label}]}.

%% mean, median, stddev (n-1) and cv of the time and of every counter, as
%% Google Benchmark aggregates them.
aggregate(Name, Reps, Agg, Ok, Index, Label) ->
    Keys = [K || {K, _} <- element(2, hd(Ok))],
    Series = [{real_time, [Ns || {Ns, _} <- Ok]} |
              [{K, [proplists:get_value(K, Cs) || {_, Cs} <- Ok]} || K <- Keys]],
    Values = [{K, stat(Agg, Xs)} || {K, Xs} <- Series],
    {Cpu, Rest} = take(cpu_ns, tl(Values)),
    {obj, [{name, iolist_to_binary([Name, "_", atom_to_binary(Agg)])} | common(Name, Index)] ++
          [{run_type, aggregate}, {repetitions, Reps}, {threads, 1}, {aggregate_name, Agg},
           {aggregate_unit, case Agg of cv -> percentage; _ -> time end},
           {iterations, length(Ok)}, {real_time, element(2, hd(Values))}, {cpu_time, Cpu}, {time_unit, ns}]
          ++ Rest ++ [{label, Label}]}.

take(K, KVs) -> {proplists:get_value(K, KVs), proplists:delete(K, KVs)}.

stat(mean, Xs) -> lists:sum(Xs) / length(Xs);
stat(median, Xs) ->
    S = lists:sort(Xs), N = length(S),
    case N rem 2 of 1 -> lists:nth(N div 2 + 1, S); 0 -> (lists:nth(N div 2, S) + lists:nth(N div 2 + 1, S)) / 2 end;
stat(stddev, [_]) -> 0.0;
stat(stddev, Xs) ->
    M = stat(mean, Xs),
    math:sqrt(lists:sum([(X - M) * (X - M) || X <- Xs]) / (length(Xs) - 1));
stat(cv, Xs) ->
    case stat(mean, Xs) of M when M == 0 -> 0.0; M -> stat(stddev, Xs) / M end.

context(Mode, Group) ->
    Schedulers = erlang:system_info(schedulers_online),
    {obj, [{date, list_to_binary(calendar:system_time_to_rfc3339(erlang:system_time(second)))},
           {host_name, list_to_binary(net_adm:localhost())},
           {executable, <<"erl">>},
           {num_cpus, erlang:system_info(logical_processors)},
           {library_build_type, <<"release">>},
           {actorspec_backends, <<"beam">>},
           {actorspec_workers, iolist_to_binary(["beam=", integer_to_list(Schedulers)])},
           {actorspec_mode, Mode},
           {actorspec_beam_group, Group},
           {actorspec_beam_schedulers, Schedulers},
           {actorspec_beam_otp_release, list_to_binary(erlang:system_info(otp_release))},
           {actorspec_beam_erts_version, list_to_binary(erlang:system_info(version))},
           {actorspec_timing, <<"erlang:monotonic_time(nanosecond) in a driver process around the work only; "
                                "real_time is ns per operation; cpu_time is the node's CPU time (all schedulers, "
                                "ms resolution) per operation">>}]}.
