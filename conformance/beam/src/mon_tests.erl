%% MON: monitors, on the BEAM.
-module(mon_tests).
-include_lib("eunit/include/eunit.hrl").
-import(conf_lib, [t/1, mailbox/0, down/1, down/2, reason_of/1, parked/0, dead_pid/0, links/1]).

'MON_1_a_down_when_the_monitored_process_ends_test'() -> t(fun() ->
    Down = fun(End) ->
        P = spawn(fun() -> receive go -> End() end end),
        R = monitor(process, P),
        ?assert(is_reference(R)),
        P ! go,
        Why = down(R, P),
        ?assertEqual([], mailbox()),
        Why
    end,
    ?assertEqual(normal, Down(fun() -> ok end)),
    ?assertEqual(boom, Down(fun() -> exit(boom) end)),
    ?assertMatch({boom, [_ | _]}, Down(fun() -> error(boom) end)),
    ?assertEqual(killed, Down(fun() -> exit(self(), kill) end))
end).

'MON_2_monitoring_a_dead_process_test'() -> t(fun() ->
    D = dead_pid(),
    R = monitor(process, D),
    ?assert(is_reference(R)),
    ?assertEqual(noproc, down(R, D))
end).

'MON_3_every_monitor_call_is_its_own_monitor_test'() -> t(fun() ->
    P = parked(),
    R1 = monitor(process, P), R2 = monitor(process, P),
    ?assertNotEqual(R1, R2),
    exit(P, boom),
    ?assertEqual(boom, down(R1, P)),
    ?assertEqual(boom, down(R2, P))
end).

'MON_4_monitors_are_one_way_test'() -> t(fun() ->
    Me = self(),
    T = spawn(fun() -> receive {ping, F} -> F ! pong after 4000 -> ok end end),
    {M, MR} = spawn_monitor(fun() -> monitor(process, T), Me ! monitoring, exit(boom) end),
    conf_lib:await(monitoring),
    boom = down(MR, M),
    T ! {ping, self()},
    conf_lib:await(pong)
end).

'MON_5_demonitor_info_tells_whether_a_monitor_was_removed_test'() -> t(fun() ->
    P = parked(),
    R = monitor(process, P), R2 = monitor(process, P),
    %% demonitor/1 always says true; [info] says whether it removed one
    ?assertEqual(true, demonitor(R, [info])),
    ?assertEqual(false, demonitor(R, [info])),
    ?assertEqual(true, demonitor(R)),
    ?assertEqual(true, demonitor(make_ref())),
    ?assertEqual(false, demonitor(make_ref(), [info])),
    exit(P, boom),
    boom = down(R2, P),
    ?assertEqual([], mailbox())
end).

'MON_6_a_down_already_in_the_mailbox_test'() -> t(fun() ->
    P = parked(),
    R = monitor(process, P),
    exit(P, boom),
    conf_lib:until_in_mailbox(fun({'DOWN', Ref, _, _, _}) -> Ref =:= R; (_) -> false end),
    self() ! other,
    ?assertEqual(false, demonitor(R, [info])),
    ?assertMatch([{'DOWN', R, process, P, boom}, other], mailbox()),
    ?assertEqual(false, demonitor(R, [flush, info])),
    ?assertEqual([other], mailbox())
end).

'MON_7_monitoring_yourself_creates_nothing_test'() -> t(fun() ->
    R = monitor(process, self()),
    ?assert(is_reference(R)),
    ?assertEqual({monitors, []}, process_info(self(), monitors)),
    ?assertEqual(false, demonitor(R, [info]))
end).

'MON_8_monitor_by_name_test'() -> t(fun() ->
    P = parked(),
    register(mon_8_name, P),
    R = monitor(process, mon_8_name),
    unregister(mon_8_name),
    Q = parked(),
    register(mon_8_name, Q),
    exit(P, p_died),
    ?assertEqual(p_died, receive {'DOWN', R, process, {mon_8_name, N}, Why} when N =:= node() -> Why end),
    MQ = monitor(process, Q),
    exit(Q, q_died),
    q_died = down(MQ, Q),
    ?assertEqual([], mailbox()),
    R3 = monitor(process, mon_8_nobody),
    ?assertEqual(noproc, receive {'DOWN', R3, process, {mon_8_nobody, _}, W} -> W end)
end).

'MON_9_spawn_monitor_monitors_before_the_child_runs_test'() -> t(fun() ->
    {P, R} = spawn_monitor(fun() -> exit(boom) end),
    ?assertEqual(boom, down(R, P)),
    ?assertEqual([], links(self()))
end).

'MON_10_not_alive_once_its_down_has_come_test'() -> t(fun() ->
    [begin
         {P, R} = spawn_monitor(fun() -> ok end),
         down(R, P),
         ?assertNot(is_process_alive(P))
     end || _ <- lists:seq(1, 200)]
end).
