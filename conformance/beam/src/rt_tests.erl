%% RT: the runtime rules that have a BEAM counterpart. Most RT rules are about
%% the C++ Runtime object and are n/a (rules.tsv).
-module(rt_tests).
-include_lib("eunit/include/eunit.hrl").
-import(conf_lib, [t/1]).
-export([refused_spawn_on_full_table/0]).  % runs on the peer node (RT-14)

%% A process polling with after 0 until its child answers.
poll_for(Msg, N) ->
    receive Msg -> N after 0 -> poll_for(Msg, N + 1) end.

'RT_11_a_process_that_polls_lets_the_others_run_test'() -> t(fun() ->
    Me = self(),
    spawn(fun() -> Me ! child_ran end),
    ?assert(poll_for(child_ran, 0) >= 0),
    %% two processes that poll each other both progress (50 rounds: each
    %% round may cost a full reduction budget of spinning on one scheduler)
    Ping = fun Ping(Peer, 0) -> Peer ! {token, 0}, ok;
               Ping(Peer, K) -> Peer ! {token, K}, _ = poll_for_token(), Ping(Peer, K - 1) end,
    A = spawn(fun() -> receive {peer, P} -> Ping(P, 50), Me ! {done, self()} end end),
    B = spawn(fun() -> receive {peer, P} -> Ping(P, 50), Me ! {done, self()} end end),
    A ! {peer, B}, B ! {peer, A},
    conf_lib:await({done, A}),
    conf_lib:await({done, B})
end).

poll_for_token() ->
    receive {token, K} -> K after 0 -> poll_for_token() end.

%% RT-14 on a peer node whose process table holds 1,024 processes (+P, the
%% smallest the BEAM accepts): fill it, then every kind of spawn raises
%% system_limit and leaves nothing behind (no process counted, no 'EXIT' or
%% 'DOWN'); once one process ends, spawn works again.
'RT_14_a_refused_spawn_raises_system_limit_and_leaves_nothing_test'() ->
    Ebin = filename:dirname(code:which(?MODULE)),
    {ok, Peer, _} = peer:start_link(#{connection => standard_io,
                                      args => ["+P", "1024", "-pa", Ebin]}),
    try
        {Count, CountAfter, Refusals, Mailbox, Respawned} =
            peer:call(Peer, ?MODULE, refused_spawn_on_full_table, [], 4000),
        ?assertEqual(Count, CountAfter),
        [?assertMatch({'EXIT', {system_limit, _}}, R) || R <- Refusals],
        ?assertEqual([], Mailbox),
        ?assert(Respawned)
    after
        peer:stop(Peer)
    end.

fill_table(Held) ->
    try spawn(fun() -> receive stop -> ok end end) of
        P -> fill_table([P | Held])
    catch error:system_limit -> Held
    end.

refused_spawn_on_full_table() ->
    [First | Rest] = fill_table([]),
    Count = erlang:system_info(process_count),
    Refusals = [(catch spawn(fun() -> ok end)),
                (catch spawn_link(fun() -> ok end)),
                (catch spawn_monitor(fun() -> ok end))],
    CountAfter = erlang:system_info(process_count),
    {messages, Mailbox} = process_info(self(), messages),
    Ref = monitor(process, First),
    First ! stop,
    receive {'DOWN', Ref, process, First, _} -> ok end,
    Respawned = is_pid(spawn(fun() -> ok end)),
    [P ! stop || P <- Rest],
    {Count, CountAfter, Refusals, Mailbox, Respawned}.
