%% SPN: spawn and process lifecycle, on the BEAM.
-module(spn_tests).
-include_lib("eunit/include/eunit.hrl").
-import(conf_lib, [t/1, mailbox/0, down/1, down/2, reason_of/1, parked/0, dead_pid/0]).

'SPN_1_every_spawn_gives_a_fresh_pid_test'() -> t(fun() ->
    Me = self(),
    P1 = spawn(fun() -> Me ! {self_is, self()} end),
    ?assertEqual({self_is, P1}, conf_lib:await({self_is, P1})),
    {P2, R2} = spawn_monitor(fun() -> ok end),
    normal = down(R2, P2),
    P3 = spawn_link(fun() -> ok end),
    Pids = [spawn(fun() -> ok end) || _ <- lists:seq(1, 1000)],
    All = [Me, P1, P2, P3 | Pids],
    ?assertEqual(length(All), length(lists:usort(All))),
    %% an ended process's pid stays dead
    ?assertNot(is_process_alive(P2))
end).

'SPN_2_spawn_does_not_wait_for_the_child_test'() -> t(fun() ->
    Me = self(),
    Child = spawn(fun() -> receive go -> Me ! {got, go} end end),
    Child ! go,   % sent straight away, whether or not the body has started
    conf_lib:await({got, go})
end).

'SPN_3_a_body_that_returns_ends_normal_test'() -> t(fun() ->
    ?assertEqual(normal, reason_of(fun() -> ok end)),
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> ok end),
    conf_lib:await({'EXIT', P, normal})
end).

'SPN_4_spawning_a_non_fun_raises_badarg_test'() -> t(fun() ->
    Before = erlang:system_info(process_count),
    ?assertError(badarg, spawn(not_a_fun)),
    ?assertError(badarg, spawn_link(not_a_fun)),
    ?assertError(badarg, spawn_monitor(not_a_fun)),
    ?assertEqual([], mailbox()),
    ?assertEqual([], conf_lib:links(self())),
    ?assert(erlang:system_info(process_count) =< Before)
end).

'SPN_5_an_unlinked_child_does_not_touch_its_spawner_test'() -> t(fun() ->
    [begin
         {P, R} = spawn_monitor(F),
         _ = down(R, P)
     end || F <- [fun() -> error(boom) end, fun() -> exit(bye) end, fun() -> exit(self(), kill) end]],
    ?assertEqual([], mailbox()),
    process_flag(trap_exit, true),
    {P, R} = spawn_monitor(fun() -> exit(boom) end),
    boom = down(R, P),
    ?assertEqual([], mailbox())
end).

'SPN_6_unreceived_messages_are_discarded_without_effect_test'() -> t(fun() ->
    {P, R} = spawn_monitor(fun() -> receive go -> ok end end),
    [P ! {noise, N} || N <- lists:seq(1, 5)],
    P ! go,
    ?assertEqual(normal, down(R, P)),
    ?assertEqual([], mailbox()),
    P ! after_the_end,   % the sender is unaffected
    ?assertEqual([], mailbox())
end).
