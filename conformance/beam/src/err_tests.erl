%% ERR: errors and misuse, on the BEAM: where actorspec throws typed errors,
%% the BEAM raises badarg (or noproc) in the caller.
-module(err_tests).
-include_lib("eunit/include/eunit.hrl").
-import(conf_lib, [t/1, mailbox/0, down/1, down/2, reason_of/1, parked/0, dead_pid/0, links/1]).

'ERR_1_each_misuse_has_one_outcome_test'() -> t(fun() ->
    D = dead_pid(),
    P = parked(),
    register(err_1, P),
    ?assertEqual(m, D ! m),                                  % send to a dead pid: dropped
    ?assertError(badarg, err_1_nobody ! m),                  % send by an unknown name
    ?assertError(badarg, register(err_1, self())),           % name taken
    ?assertError(badarg, register(err_1_b, P)),              % pid already named
    ?assertError(badarg, register(err_1_c, D)),              % pid not alive
    ?assertError(badarg, register(undefined, self())),       % invalid name
    ?assertError(badarg, unregister(err_1_nobody)),          % unregister unknown
    ?assertEqual(false, is_process_alive(D)),                % no error
    ?assertEqual(true, exit(D, boom)),
    ?assertEqual(true, unlink(D)),
    ?assertError(noproc, link(D)),                           % link to dead, not trapping
    ?assert(is_reference(monitor(process, D))),              % monitor of dead: a Down follows
    ?assertEqual(noproc, down(D)),
    ?assertEqual(false, demonitor(make_ref(), [info])),     % demonitor of a gone monitor
    ?assertError(timeout_value, receive never -> ok after -1 -> ok end),
    ?assertError(badarg, spawn(not_a_fun)),
    ?assertError(badarg, 42 ! m),                            % destination not a pid or name
    exit(P, kill)
end).

'ERR_2_uncaught_the_error_ends_the_caller_test'() -> t(fun() ->
    ?assertMatch({badarg, [{erlang, send, [err_2_nobody, m | _], _} | _]},
                 reason_of(fun() -> err_2_nobody ! m end)),
    ?assertMatch({badarg, [{erlang, register, _, _} | _]},
                 reason_of(fun() -> register(undefined, self()) end)),
    ?assertMatch({badarg, [{erlang, unregister, _, _} | _]},
                 reason_of(fun() -> unregister(err_2_nobody) end)),
    D = dead_pid(),
    ?assertMatch({noproc, [{erlang, link, [D], _} | _]}, reason_of(fun() -> link(D) end)),
    ?assertMatch({timeout_value, _}, reason_of(fun() -> receive never -> ok after -1 -> ok end end)),
    %% and the reason travels along links like any other
    process_flag(trap_exit, true),
    C = spawn_link(fun() -> err_2_nobody ! m end),
    receive {'EXIT', C, R} -> ?assertMatch({badarg, _}, R) end
end).

'ERR_3_a_caught_error_changes_nothing_test'() -> t(fun() ->
    P = parked(), Q = parked(),
    register(err_3, P),
    ?assertError(badarg, register(err_3, Q)),
    ?assertEqual(P, whereis(err_3)),
    ?assertEqual([], process_info(Q, registered_name)),
    D = dead_pid(),
    ?assertError(noproc, link(D)),
    ?assertEqual([], links(self())),
    self() ! m,
    %% a bad timeout with a matching message: the BEAM takes the message (RCV-12)
    ?assertEqual([m], mailbox()),
    ?assertError(badarg, spawn(not_a_fun)),
    ?assertEqual([m], mailbox()),
    %% carry on normally
    R = monitor(process, P), exit(P, kill), ?assertEqual(killed, down(R, P)),
    exit(Q, kill)
end).

'ERR_4_sending_to_a_dead_pid_is_dropped_test'() -> t(fun() ->
    D = dead_pid(),
    ?assertEqual(hello, D ! hello),
    ?assertEqual([], mailbox())
end).

'ERR_5_asking_about_or_signalling_a_dead_pid_is_no_error_test'() -> t(fun() ->
    D = dead_pid(),
    ?assertNot(is_process_alive(D)),
    ?assertEqual(undefined, process_info(D)),
    ?assertEqual(true, exit(D, foo)),
    ?assertEqual(true, unlink(D))
end).

'ERR_6_linking_to_a_dead_pid_test'() -> t(fun() ->
    D = dead_pid(),
    ?assertEqual({error, noproc}, try link(D) catch error:noproc -> {error, noproc} end),
    ?assertEqual([], links(self())),
    ?assertEqual([], mailbox()),
    process_flag(trap_exit, true),
    ?assertEqual(true, link(D)),
    conf_lib:await({'EXIT', D, noproc}),
    ?assertEqual([], links(self()))
end).

'ERR_7_monitoring_a_dead_pid_gives_a_noproc_down_test'() -> t(fun() ->
    D = dead_pid(),
    R = monitor(process, D),
    ?assertEqual(noproc, down(R, D))
end).

'ERR_8_demonitor_of_a_gone_monitor_test'() -> t(fun() ->
    {P, R} = spawn_monitor(fun() -> ok end),
    down(R, P),
    %% plain demonitor/1 says true even now; only [info] tells
    ?assertEqual(true, demonitor(R)),
    ?assertEqual(false, demonitor(R, [info])),
    ?assertEqual(false, demonitor(R, [info, flush])),
    ?assertEqual(true, demonitor(make_ref())),
    ?assertEqual([], mailbox())
end).

'ERR_10_a_destination_must_be_a_pid_or_a_name_test'() -> t(fun() ->
    ?assertError(badarg, 42 ! m),
    ?assertError(badarg, "name" ! m),
    ?assertError(badarg, {1, 2, 3} ! m),
    %% since OTP 24 a reference is a valid destination (a process alias);
    %% one that is no active alias drops the message silently
    ?assertEqual(m, make_ref() ! m),
    ?assertEqual([], mailbox())
end).
