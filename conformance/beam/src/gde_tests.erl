%% GDE: the guide's programs, written in Erlang, on the BEAM.
-module(gde_tests).
-include_lib("eunit/include/eunit.hrl").
-import(conf_lib, [t/1, mailbox/0, down/1, down/2, reason_of/1, parked/0, dead_pid/0, links/1]).

%% --- GDE-1 counter ---
counter(V) ->
    receive
        {increment, From} -> From ! {value, V + 1}, counter(V + 1);
        {get, From} -> From ! {value, V}, counter(V);
        stop -> ok
    end.
%% The guide's client: an answer must come (generous after for a loaded
%% machine); a stopped counter's silence is seen after its 'DOWN', so a short
%% after cannot mistake a slow answer for none.
call(C, Req) -> call(C, Req, 3000).
call(C, Req, Wait) -> C ! {Req, self()}, receive {value, V} -> {ok, V} after Wait -> {error, timeout} end.

'GDE_1_the_counter_serves_one_request_at_a_time_test'() -> t(fun() ->
    C = spawn(fun() -> counter(0) end),
    ?assertEqual([{ok, 1}, {ok, 2}, {ok, 2}, {ok, 3}], [call(C, R) || R <- [increment, increment, get, increment]]),
    C10 = spawn(fun() -> counter(10) end),
    ?assertEqual([{ok, 10}, {ok, 11}, {ok, 11}], [call(C10, R) || R <- [get, increment, get]]),
    [C10 ! {R, self()} || R <- [increment, get, increment, get]],
    ?assertEqual([12, 12, 13, 13], [receive {value, V} -> V end || _ <- lists:seq(1, 4)]),
    M = monitor(process, C),
    ?assertEqual(stop, C ! stop),
    ?assertEqual(normal, down(M, C)),
    ?assertEqual({error, timeout}, call(C, get, 50)),
    C10 ! stop
end).

%% --- GDE-2 key-value store (an Erlang map) ---
kv(State) ->
    receive
        {put, K, V, From} -> From ! ok, kv(State#{K => V});
        {get, K, From} -> From ! {value, maps:get(K, State, nil)}, kv(State);
        {delete, K, From} -> From ! ok, kv(maps:remove(K, State));
        {keys, From} -> From ! {keys, maps:keys(State)}, kv(State)
    end.
rpc(S, Msg) -> S ! erlang:append_element(Msg, self()), receive R -> R after 4000 -> error(no_reply) end.

'GDE_2_the_kv_store_keeps_its_state_test'() -> t(fun() ->
    S = spawn(fun() -> kv(#{}) end),
    ?assertEqual(ok, rpc(S, {put, name, <<"Alice">>})),
    ?assertEqual(ok, rpc(S, {put, age, 30})),
    ?assertEqual({value, <<"Alice">>}, rpc(S, {get, name})),
    ?assertEqual({value, nil}, rpc(S, {get, missing})),
    ?assertEqual(ok, rpc(S, {put, age, 31})),
    ?assertEqual({value, 31}, rpc(S, {get, age})),
    ?assertEqual(ok, rpc(S, {delete, nothing_here})),
    ?assertEqual(ok, rpc(S, {put, city, <<"Paris">>})),
    ?assertEqual({keys, [age, city, name]}, rpc(S, {keys})),   % small maps: sorted (E2a)
    ?assertEqual(ok, rpc(S, {delete, name})),
    ?assertEqual({value, nil}, rpc(S, {get, name})),
    %% 40 keys: the same set; the order is the map's (hash order above 32 keys, E2e/f)
    S40 = spawn(fun() -> kv(#{}) end),
    Keys = [list_to_atom("k" ++ integer_to_list((I * 17) rem 40)) || I <- lists:seq(0, 39)],
    [ok = rpc(S40, {put, K, 1}) || K <- Keys],
    {keys, Got} = rpc(S40, {keys}),
    ?assertEqual(lists:sort(Keys), lists:sort(Got))
end).

%% --- GDE-3 ping-pong ---
ping(Pong, N, Report) -> ping(Pong, 1, N, Report, []).
ping(_Pong, I, N, Report, Seen) when I > N -> Report ! {ping, lists:reverse(Seen)};
ping(Pong, I, N, Report, Seen) ->
    Pong ! {ping, I, self()},
    receive {pong, I} -> ping(Pong, I + 1, N, Report, [I | Seen]) end.
pong(N, Report, Seen) when length(Seen) =:= N -> Report ! {pong, lists:reverse(Seen)};
pong(N, Report, Seen) ->
    receive {ping, I, From} -> From ! {pong, I}, pong(N, Report, [I | Seen]) end.

'GDE_3_ping_pong_plays_every_round_in_order_test'() -> t(fun() ->
    [begin
         Me = self(),
         {Pong, RPong} = spawn_monitor(fun() -> pong(N, Me, []) end),
         {Ping, RPing} = spawn_monitor(fun() -> ping(Pong, N, Me) end),
         %% the two reports, in whichever order they come
         Reports = lists:sort([receive {T, Seen} when T =:= ping; T =:= pong -> {T, Seen} end || _ <- [1, 2]]),
         ?assertEqual([{ping, lists:seq(1, N)}, {pong, lists:seq(1, N)}], Reports),
         ?assertEqual(normal, down(RPing, Ping)),
         ?assertEqual(normal, down(RPong, Pong)),
         ?assertEqual([], mailbox())
     end || N <- [3, 2000]]
end).

%% --- GDE-4 priority through selective receive ---
'GDE_4_priority_through_selective_receive_test'() -> t(fun() ->
    [self() ! M || M <- [{low, 1}, {high, 2}, {low, 3}]],
    ?assertEqual({high, 2}, receive {high, _} = H -> H end),
    ?assertEqual([{low, 1}, {low, 3}], [receive {low, _} = L -> L end || _ <- [1, 2]]),
    ?assertEqual([], mailbox()),
    [self() ! M || M <- [{low, 1}, {high, 2}, {low, 3}, {high, 4}]],
    Next = fun() -> receive {high, _} = H -> H after 0 -> receive {low, _} = L -> L end end end,
    ?assertEqual([{high, 2}, {high, 4}, {low, 1}, {low, 3}], [Next() || _ <- [1, 2, 3, 4]]),
    [self() ! M || M <- [{low, 1}, {high, 2}, {low, 3}]],
    Either = fun() -> receive {high, _} = H -> H; {low, _} = L -> L end end,
    ?assertEqual([{low, 1}, {high, 2}, {low, 3}], [Either() || _ <- [1, 2, 3]])
end).

%% --- GDE-5 a linked child's crash ---
'GDE_5_a_linked_childs_crash_trapped_or_fatal_test'() -> t(fun() ->
    process_flag(trap_exit, true),
    C = spawn_link(fun() -> error(<<"Crash!">>) end),
    receive {'EXIT', C, R} -> ?assertMatch({<<"Crash!">>, [_ | _]}, R) end,
    ?assertEqual([], links(self())),
    Trapped = fun(End) -> Ch = spawn_link(End), receive {'EXIT', Ch, Why} -> Why end end,
    ?assertEqual(boom, Trapped(fun() -> exit(boom) end)),
    ?assertEqual(normal, Trapped(fun() -> ok end)),
    ?assertEqual(killed, Trapped(fun() -> exit(self(), kill) end)),
    ?assertMatch({{nocatch, v}, [_ | _]}, Trapped(fun() -> throw(v) end)),
    process_flag(trap_exit, false),
    ?assertMatch({<<"Crash!">>, [_ | _]},
                 reason_of(fun() -> spawn_link(fun() -> error(<<"Crash!">>) end), receive after infinity -> ok end end))
end).

%% --- GDE-6 a monitor sees a crash ---
'GDE_6_a_monitor_sees_a_crash_and_the_watcher_carries_on_test'() -> t(fun() ->
    {C, R} = spawn_monitor(fun() -> error(<<"Crash!">>) end),
    receive {'DOWN', R, process, C, Why} -> ?assertMatch({<<"Crash!">>, [_ | _]}, Why) end,
    ?assertNot(is_process_alive(C)),
    {C2, R2} = spawn_monitor(fun() -> ok end),
    ?assertEqual(normal, down(R2, C2))
end).

%% --- GDE-7 a registered worker ---
'GDE_7_a_registered_worker_is_reached_by_name_test'() -> t(fun() ->
    W = spawn(fun() -> receive {work, X, From} -> From ! {done, X} end end),
    register(gde_7_worker, W),
    ?assertEqual(W, whereis(gde_7_worker)),
    R = monitor(process, W),
    gde_7_worker ! {work, 42, self()},
    conf_lib:await({done, 42}),
    normal = down(R, W),
    ?assertEqual(undefined, whereis(gde_7_worker))
end).

%% --- GDE-8 parallel map ---
pmap(F, Xs) ->
    Me = self(),
    Pids = [spawn(fun() -> Me ! {self(), F(X)} end) || X <- Xs],
    [receive {P, V} -> V end || P <- Pids].

pmap_monitored(F, Xs) ->
    Me = self(),
    Tasks = [spawn_monitor(fun() -> Me ! {self(), F(X)} end) || X <- Xs],
    collect(Tasks, []).
collect([], Acc) -> {ok, lists:reverse(Acc)};
collect([{P, R} | Rest], Acc) ->
    receive
        {P, V} -> demonitor(R, [flush]), collect(Rest, [V | Acc]);
        {'DOWN', R, process, P, Why} ->
            [demonitor(R2, [flush]) || {_, R2} <- Rest],
            {error, P, Why, lists:reverse(Acc)}
    end.

'GDE_8_parallel_map_keeps_the_input_order_test'() -> t(fun() ->
    ?assertEqual([1, 4, 9, 16, 25], pmap(fun(X) -> X * X end, [1, 2, 3, 4, 5])),
    %% tasks finishing in reverse order: each is released only once the
    %% result of the one after it has arrived
    Me = self(),
    Pids = [spawn(fun() -> receive go -> Me ! {self(), X * X} end end) || X <- [1, 2, 3, 4, 5]],
    [begin P ! go, conf_lib:until_in_mailbox(fun(M) -> element(1, M) =:= P end) end || P <- lists:reverse(Pids)],
    ?assertEqual([25, 16, 9, 4, 1], [V || {_, V} <- mailbox()]),
    ?assertEqual([1, 4, 9, 16, 25], [receive {P, V} -> V end || P <- Pids]),
    %% monitored version: a task that crashes is reported, not waited for
    F = fun(3) -> error(boom); (X) -> X * X end,
    Res = pmap_monitored(F, [1, 2, 3, 4, 5]),
    ?assertMatch({error, _, {boom, _}, [1, 4]}, Res),
    %% results of later tasks may still arrive; no Down is left behind
    ?assertEqual([], [M || M = {'DOWN', _, _, _, _} <- mailbox()])
end).

%% --- GDE-9 work sent before a worker is ready ---
pool_coordinator(Queue, Ready, Workers) ->
    receive
        {ready, Name} -> dispatch(Queue, [Name | Ready], Workers);
        {job, _, _} = J -> dispatch(Queue ++ [J], Ready, Workers);
        {done, Name, Id, Result, Client} -> Client ! {result, Id, Result}, dispatch(Queue, [Name | Ready], Workers);
        stop -> [Name ! stop || Name <- Workers], ok
    end.
dispatch([{job, Id, Client} | Q], [W | Ready], Workers) ->
    W ! {work, Id, Client}, pool_coordinator(Q, Ready, Workers);
dispatch(Q, Ready, Workers) -> pool_coordinator(Q, Ready, Workers).

pool_worker(Name, Coord) ->
    register(Name, self()),
    Coord ! {ready, Name},
    pool_worker_loop(Name, Coord).
pool_worker_loop(Name, Coord) ->
    receive
        {work, Id, Client} -> Coord ! {done, Name, Id, Id * 2, Client}, pool_worker_loop(Name, Coord);
        stop -> ok
    end.

'GDE_9_work_sent_before_a_worker_is_ready_test'() -> t(fun() ->
    Me = self(),
    %% by name before the worker registered: badarg; by pid: waits in the mailbox
    W = spawn(fun() -> receive registered_now -> register(gde_9_early, self()) end,
                       receive {job, X} -> Me ! {did, X} end end),
    ?assertError(badarg, gde_9_early ! {job, 1}),
    W ! {job, 2},
    W ! registered_now,
    conf_lib:await({did, 2}),
    %% the pool: 300 jobs, 4 workers, half sent before any worker exists
    Names = [gde_9_w1, gde_9_w2, gde_9_w3, gde_9_w4],
    {Coord, CR} = spawn_monitor(fun() -> pool_coordinator([], [], Names) end),
    [Coord ! {job, Id, Me} || Id <- lists:seq(1, 150)],
    Ws = [spawn_monitor(fun() -> pool_worker(N, Coord) end) || N <- Names],
    [Coord ! {job, Id, Me} || Id <- lists:seq(151, 300)],
    Results = lists:sort([receive {result, Id, R} -> {Id, R} end || _ <- lists:seq(1, 300)]),
    ?assertEqual([{Id, Id * 2} || Id <- lists:seq(1, 300)], Results),
    Coord ! stop,
    ?assertEqual(normal, down(CR, Coord)),
    [?assertEqual(normal, down(R, P)) || {P, R} <- Ws],
    ?assertEqual([], [N || N <- Names, whereis(N) =/= undefined]),
    ?assertEqual([], [M || M = {result, _, _} <- mailbox()])
end).
