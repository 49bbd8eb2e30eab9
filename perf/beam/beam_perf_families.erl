%% The perf families of perf/*.cpp in Erlang: rows(Mode) lists
%% {Name, Group, Ops, Fun} with the C++ suite's sizes for that mode; Fun runs
%% one repetition in a driver process and returns {Seconds, Counters}, the
%% seconds of the timed part for a batch of Ops operations. Everything a row
%% needs is built before its clock starts, and every row checks its result.
-module(beam_perf_families).
-export([rows/1, label/1]).

now_ns() -> erlang:monotonic_time(nanosecond).
secs(T0) -> (now_ns() - T0) / 1.0e9.
size(quick, Q, _) -> Q;
size(full, _, F) -> F.
check(true, _) -> ok;
check(false, Why) -> erlang:error(Why).

rows(Mode) ->
    S = fun(Q, F) -> size(Mode, Q, F) end,
    N = S(200, 10000), K = S(100, 1000), PP = S(500, 20000),
    Hops = S(2000, 20000),
    Rings = case Mode of quick -> [10, 100, 1000]; full -> [10, 100, 1000, 10000, 100000] end,
    Total = S(2048, 131072),
    Budget = S(200000, 20000000), Most = S(500, 50000), Least = S(20, 500),
    Timeout = S(5, 50),
    Items = S(200, 10000), Jobs = S(200, 10000),
    [{"spawn/throughput/N:" ++ integer_to_list(N) ++ "/beam", default, N, fun() -> spawn_throughput(N) end},
     {"spawn/latency/beam", default, K, fun() -> spawn_latency(K) end},
     {"ping_pong/same_worker/beam", one_worker, PP, fun() -> ping_pong(PP) end},
     {"ping_pong/default_workers/beam", default, PP, fun() -> ping_pong(PP) end}]
    ++ [begin Laps = max(1, Hops div R),
              {"ring/R:" ++ integer_to_list(R) ++ "/beam", default, R * Laps, fun() -> ring(R, Laps) end} end
        || R <- Rings]
    ++ [{"fan_in/k:" ++ integer_to_list(Kk) ++ "/beam", default, Total, fun() -> fan_in(Kk, Total) end}
        || Kk <- [1, 2, 8, 64]]
    ++ [begin Nn = max(Least, min(Most, Budget div (D + 1))),
              {"selective_receive/D:" ++ integer_to_list(D) ++ "/beam", default, Nn,
               fun() -> selective_receive(D, Nn) end} end
        || D <- [0, 10, 100, 1000, 10000]]
    ++ [{"timers/N:" ++ integer_to_list(N) ++ "/beam", default, N, fun() -> timers(N, Timeout) end},
        {"guide/counter/beam", default, PP, fun() -> counter(PP) end},
        {"guide/kv_store/beam", default, PP, fun() -> kv_store(PP) end},
        {"guide/parallel_map/items:" ++ integer_to_list(Items) ++ "/beam", default, Items,
         fun() -> parallel_map(Items) end},
        {"guide/worker_pool/pool:4/beam", default, Jobs, fun() -> worker_pool(4, Jobs) end},
        {"memory/idle_process/N:" ++ integer_to_list(N) ++ "/beam", default, N, fun() -> memory_idle(N) end}].

label("spawn/throughput" ++ _) -> <<"ns per process: spawn_monitor of an empty fun, until its 'DOWN'; N back to back">>;
label("spawn/latency" ++ _) -> <<"ns from spawn_monitor to the 'DOWN' of an empty fun, one process at a time">>;
label("ping_pong/same_worker" ++ _) -> <<"ns per round trip; node run with +S 1: one scheduler for both processes">>;
label("ping_pong/default_workers" ++ _) ->
    iolist_to_binary(io_lib:format("ns per round trip; default schedulers (~b), placement left to the BEAM",
                                   [erlang:system_info(schedulers_online)]));
label("ring" ++ _) -> <<"ns per hop, ring built and warmed outside the timed region">>;
label("fan_in" ++ _) -> <<"ns per message at the receiver">>;
label("selective_receive" ++ _) -> <<"ns per receive of one matching message behind D non-matching ones (self-send included)">>;
label("timers" ++ _) -> <<"ns per timeout: (last report - first go - T)/N">>;
label("guide/counter" ++ _) -> <<"ns per Counter increment round trip (client waits with after 1000)">>;
label("guide/kv_store" ++ _) -> <<"ns per KVStore call (put/get/get/delete cycle over 1024 string keys in a map, replies awaited with after 1000)">>;
label("guide/parallel_map" ++ _) -> <<"ns per item: parallel_map of X*X, one process each, collected in input order">>;
label("guide/worker_pool" ++ _) -> <<"ns per job through the guide's WorkerPool (4 workers, jobs queued by the coordinator), first submit until the last result">>;
label("memory" ++ _) -> <<"ns per process from spawn to parked in receive; bytes_per_process: erlang:process_info(P, memory) of each idle process, averaged (growth of processes_used and of RSS, the C++ method, kept as processes_used_bytes_per_process and rss_bytes_per_process)">>.

%% ---- percentiles as perf/harness.cpp computes them ----
percentiles(Prefix, Samples) ->
    S = list_to_tuple(lists:sort(Samples)), Len = tuple_size(S),
    At = fun(Q) -> element(min(Len, max(1, ceil(Q * Len))), S) end,
    [{list_to_atom(Prefix ++ "max_ns"), float(element(Len, S))},
     {list_to_atom(Prefix ++ "p50_ns"), float(At(0.50))},
     {list_to_atom(Prefix ++ "p99_ns"), float(At(0.99))}].

items(Secs, Ops) -> [{items_per_second, Ops / Secs}].

%% ---- spawn ----
spawn_throughput(N) ->
    T0 = now_ns(),
    [spawn_monitor(fun() -> ok end) || _ <- lists:seq(1, N)],
    [receive {'DOWN', _, process, _, normal} -> ok end || _ <- lists:seq(1, N)],
    S = secs(T0),
    {S, items(S, N)}.

spawn_latency(K) ->
    One = fun() -> {P, R} = spawn_monitor(fun() -> ok end),
                   receive {'DOWN', R, process, P, normal} -> ok end end,
    [One() || _ <- lists:seq(1, 10)],
    T0 = now_ns(),
    Samples = [begin S = now_ns(), One(), now_ns() - S end || _ <- lists:seq(1, K)],
    {secs(T0), percentiles("", Samples)}.

%% ---- ping_pong ----
echo() -> receive {ping, From} -> From ! pong, echo() end.

ping_pong(N) ->
    Partner = spawn_link(fun echo/0),
    Me = self(),
    Trip = fun() -> Partner ! {ping, Me}, receive pong -> ok end end,
    [Trip() || _ <- lists:seq(1, 100)],
    T0 = now_ns(),
    Samples = [begin S = now_ns(), Trip(), now_ns() - S end || _ <- lists:seq(1, N)],
    Secs = secs(T0),
    {Secs, percentiles("", Samples)}.

%% ---- ring ----
ring_member() -> receive {next, Next} -> ring_loop(Next) end.
ring_loop(Next) ->
    receive
        {token, 0, ReplyTo} -> ReplyTo ! {token, 0, ReplyTo}, ring_loop(Next);
        {token, H, ReplyTo} -> Next ! {token, H - 1, ReplyTo}, ring_loop(Next)
    end.

ring(R, Laps) ->
    Members = [spawn_link(fun ring_member/0) || _ <- lists:seq(1, R)],
    [First | _] = Members,
    [M ! {next, Next} || {M, Next} <- lists:zip(Members, tl(Members) ++ [First])],
    First ! {token, R - 1, self()},  % warm-up lap
    receive {token, 0, _} -> ok end,
    T0 = now_ns(),
    First ! {token, R * Laps - 1, self()},
    receive {token, 0, _} -> ok end,
    {secs(T0), [{laps, float(Laps)}]}.

%% ---- fan_in ----
fan_in(K, Total) ->
    Driver = self(),
    PerSender = Total div K,
    Receiver = spawn_link(fun() -> [receive {item, _} -> ok end || _ <- lists:seq(1, Total)],
                                   Driver ! all_received end),
    Senders = [spawn_link(fun() -> Driver ! ready, receive go -> ok end,
                                   [Receiver ! {item, I} || I <- lists:seq(1, PerSender)] end)
               || _ <- lists:seq(1, K)],
    [receive ready -> ok end || _ <- Senders],
    T0 = now_ns(),
    [S ! go || S <- Senders],
    receive all_received -> ok end,
    S = secs(T0),
    {S, items(S, Total)}.

%% ---- selective_receive ----
selective_receive(D, N) ->
    Me = self(),
    [Me ! {noise, I} || I <- lists:seq(1, D)],
    Me ! wanted,
    receive wanted -> ok end,
    T0 = now_ns(),
    sr_loop(Me, N),
    S = secs(T0),
    {message_queue_len, Left} = process_info(Me, message_queue_len),
    check(Left =:= D, noise_messages_were_lost),
    {S, []}.
sr_loop(_, 0) -> ok;
sr_loop(Me, N) -> Me ! wanted, receive wanted -> sr_loop(Me, N - 1) end.

%% ---- timers ----
timers(N, T) ->
    Driver = self(),
    Waiting = [spawn_link(fun() ->
                   Driver ! ready,
                   receive go -> ok end,
                   Entered = now_ns(),
                   Fired = receive never_sent -> false after T -> true end,
                   Now = now_ns(),
                   check(Fired, a_message_nobody_sent_was_received),
                   Driver ! {fired, Now - Entered - T * 1000000}
               end) || _ <- lists:seq(1, N)],
    [receive ready -> ok end || _ <- Waiting],
    T0 = now_ns(),
    [P ! go || P <- Waiting],
    Lateness = [receive {fired, L} -> L end || _ <- Waiting],
    S = secs(T0) - T / 1000,
    {S, [{lateness_mean_ns, lists:sum(Lateness) / N} | percentiles("lateness_", Lateness)]}.

%% ---- guide/counter ----
counter_loop(V) ->
    receive
        {increment, From} -> From ! {value, V + 1}, counter_loop(V + 1);
        {get, From} -> From ! {value, V}, counter_loop(V);
        stop -> ok
    end.
increment(C) ->
    C ! {increment, self()},
    receive {value, V} -> V after 1000 -> erlang:error(the_counter_did_not_answer_in_1000_ms) end.

counter(N) ->
    C = spawn_link(fun() -> counter_loop(0) end),
    [increment(C) || _ <- lists:seq(1, 100)],
    T0 = now_ns(),
    Last = lists:foldl(fun(_, _) -> increment(C) end, 0, lists:seq(1, N)),
    S = secs(T0),
    check(Last =:= N + 100, the_counter_lost_increments),
    C ! stop,
    {S, items(S, N)}.

%% ---- guide/kv_store (guide/kv_store.hpp: string keys, as binaries here) ----
store_loop(State) ->
    receive
        {put, K, V, From} -> From ! ok, store_loop(State#{K => V});
        {get, K, From} -> From ! {found, maps:find(K, State)}, store_loop(State);
        {delete, K, From} -> From ! ok, store_loop(maps:remove(K, State));
        stop -> ok
    end.
reply() -> receive R -> R after 1000 -> erlang:error(the_store_did_not_answer_in_1000_ms) end.

operation(Store, Names, I) ->
    Key = (I div 4 * 7919) rem 1024,
    case I rem 4 of
        0 -> Store ! {put, element(Key + 1, Names), I, self()}, ok = reply(), 0;
        1 -> Store ! {get, element(Key + 1, Names), self()},
             case reply() of {found, {ok, _}} -> 1; {found, error} -> 0 end;
        2 -> Store ! {get, element((Key + 512) rem 1024 + 1, Names), self()}, {found, _} = reply(), 0;
        3 -> Store ! {delete, element(Key + 1, Names), self()}, ok = reply(), 0
    end.

kv_store(N) ->
    %% the key strings are made outside the timed region, as in the C++ row
    Names = list_to_tuple([iolist_to_binary(["key-", integer_to_list(K)]) || K <- lists:seq(0, 1023)]),
    Store = spawn_link(fun() -> store_loop(#{}) end),
    [operation(Store, Names, I) || I <- lists:seq(0, 99)],
    T0 = now_ns(),
    Found = lists:foldl(fun(I, Acc) -> Acc + operation(Store, Names, I) end, 0, lists:seq(0, N - 1)),
    S = secs(T0),
    check(Found =:= (N + 2) div 4, a_get_missed_the_key_just_put),
    Store ! stop,
    {S, items(S, N)}.

%% ---- guide/parallel_map ----
parallel_map(Items) ->
    Parent = self(),
    T0 = now_ns(),
    Pids = [spawn(fun() -> Parent ! {self(), X * X} end) || X <- lists:seq(0, Items - 1)],
    Results = [receive {Pid, V} -> V end || Pid <- Pids],
    S = secs(T0),
    check(Results =:= [X * X || X <- lists:seq(0, Items - 1)], a_result_is_out_of_place),
    {S, items(S, Items)}.

%% ---- guide/worker_pool (guide/worker_pool.hpp, GDE-9's pool) ----
%% Workers register their names and report ready; the coordinator queues
%% jobs and hands each to a ready worker by name; results go to the client.
work(Input) -> Input * Input + 1.

worker_name(I) -> list_to_atom("pool-worker-" ++ integer_to_list(I)).

pool_worker(Name, Coordinator) ->
    register(Name, self()),
    Coordinator ! {ready, Name},
    pool_worker_loop(Name, Coordinator).
pool_worker_loop(Name, Coordinator) ->
    receive
        {work, Job = {_Id, Input, _ReplyTo}} -> Coordinator ! {done, Name, Job, work(Input)},
                                               pool_worker_loop(Name, Coordinator);
        stop -> ok
    end.

coordinator() -> coordinator(queue:new(), queue:new(), []).
coordinator(Queued, Ready, Workers) ->
    receive
        {job, Id, Input, ReplyTo} -> dispatch(queue:in({Id, Input, ReplyTo}, Queued), Ready, Workers);
        {start_workers, Count} ->
            Me = self(),
            New = [spawn_monitor(fun() -> pool_worker(worker_name(length(Workers) + I), Me) end)
                   || I <- lists:seq(0, Count - 1)],
            coordinator(Queued, Ready, Workers ++ New);
        {ready, Name} -> dispatch(Queued, queue:in(Name, Ready), Workers);
        {done, Name, {Id, _, ReplyTo}, Output} ->
            ReplyTo ! {result, Id, Output},
            dispatch(Queued, queue:in(Name, Ready), Workers);
        stop ->
            [Pid ! stop || {Pid, _} <- Workers],
            Reasons = [receive {'DOWN', Ref, process, Pid, Why} -> Why end || {Pid, Ref} <- Workers],
            case lists:all(fun(R) -> R =:= normal end, Reasons) of
                true -> ok;
                false -> exit(a_pool_worker_ended_abnormally)
            end
    end.
dispatch(Queued, Ready, Workers) ->
    case {queue:out(Queued), queue:out(Ready)} of
        {{{value, Job}, Q}, {{value, Name}, R}} -> Name ! {work, Job}, dispatch(Q, R, Workers);
        _ -> coordinator(Queued, Ready, Workers)
    end.

await_results(Count) -> await_results(Count, 0).
await_results(0, Sum) -> Sum;
await_results(Count, Sum) -> receive {result, _, Output} -> await_results(Count - 1, Sum + Output) end.

worker_pool(Workers, Jobs) ->
    Me = self(),
    {Coord, Ref} = spawn_monitor(fun coordinator/0),
    Coord ! {start_workers, Workers},
    [Coord ! {job, Id, Id, Me} || Id <- lists:seq(0, 2 * Workers - 1)],   % warm-up
    await_results(2 * Workers),
    T0 = now_ns(),
    Expected = lists:foldl(fun(Id, Acc) -> Coord ! {job, Id, Id rem 1000, Me}, Acc + work(Id rem 1000) end,
                           0, lists:seq(0, Jobs - 1)),
    Sum = await_results(Jobs),
    S = secs(T0),
    check(Sum =:= Expected, jobs_were_lost_or_done_twice),
    Coord ! stop,
    receive {'DOWN', Ref, process, Coord, normal} -> ok;
            {'DOWN', Ref, process, Coord, Why} -> erlang:error({the_pool_ended_with, Why})
    end,
    {S, items(S, Jobs)}.

%% ---- memory/idle_process ----
%% bytes_per_process is the BEAM's own account of each idle process,
%% erlang:process_info(P, memory) (heap, stack, control block, mailbox),
%% averaged over the N: exact, and the same for every N (2,680 B on OTP 25).
%% Two growth figures are kept beside it, each of which says less:
%% processes_used_bytes_per_process, the growth of erlang:memory(processes_used)
%% / N, also counts the driver's own growth and goes negative when memory of
%% an earlier repetition's processes is freed late (the allocators' delayed
%% deallocation: -502 B per process seen with N=200); rss_bytes_per_process,
%% the C++ suite's method (/proc/self/statm), is often 0 because the
%% allocators keep preallocated and freed carriers that absorb all N.
resident_bytes() ->
    {ok, Statm} = file:read_file("/proc/self/statm"),
    [_, Resident | _] = binary:split(Statm, <<" ">>, [global]),
    binary_to_integer(Resident) * 4096.

memory_idle(N) ->
    Driver = self(),
    erlang:garbage_collect(),
    Before = resident_bytes(),
    ProcsBefore = erlang:memory(processes_used),
    T0 = now_ns(),
    Pids = [spawn_link(fun() -> Driver ! ready, receive stop -> ok end end) || _ <- lists:seq(1, N)],
    [receive ready -> ok end || _ <- Pids],
    S = secs(T0),
    Growth = resident_bytes() - Before,
    ProcsGrowth = erlang:memory(processes_used) - ProcsBefore,
    Own = lists:sum([Bytes || P <- Pids, {memory, Bytes} <- [erlang:process_info(P, memory)]]),
    {S, [{bytes_per_process, Own / N}, {processes_used_bytes_per_process, ProcsGrowth / N},
         {rss_bytes_per_process, Growth / N}]}.
