%% RCV: receive, selective receive and timeouts, on the BEAM.
-module(rcv_tests).
-include_lib("eunit/include/eunit.hrl").
-import(conf_lib, [t/1, mailbox/0, down/1, down/2, reason_of/1, parked/0, dead_pid/0]).

ms() -> erlang:monotonic_time(millisecond).

'RCV_1_patterns_match_exact_terms_test'() -> t(fun() ->
    %% Erlang matches patterns, not types: 1.0 does not match the pattern 1.
    self() ! 1.0, self() ! 1,
    ?assertEqual(int, receive 1 -> int end),
    ?assertEqual(float, receive F when is_float(F) -> float end),
    self() ! <<"bin">>,
    ?assertEqual(<<"bin">>, receive Any -> Any end)
end).

'RCV_2_oldest_matching_is_taken_skipped_stay_test'() -> t(fun() ->
    [self() ! M || M <- [{a, 1}, {b, 1}, {a, 2}, {b, 2}, c]],
    ?assertEqual({b, 1}, receive {b, _} = X -> X end),
    ?assertEqual({b, 2}, receive {b, _} = X -> X end),
    ?assertEqual([{a, 1}, {a, 2}, c], conf_lib:drain())
end).

'RCV_3_message_order_first_clause_order_second_test'() -> t(fun() ->
    self() ! b, self() ! a,
    ?assertEqual(b, receive a -> a; b -> b end),
    ?assertEqual([a], mailbox()),
    receive a -> ok end,
    self() ! {p, 2}, self() ! {p, 1},
    ?assertEqual({second_clause, 2}, receive {p, 1} -> first_clause; {p, N} -> {second_clause, N} end),
    ?assertEqual([{p, 1}], mailbox())
end).

'RCV_4_guards_narrow_a_clause_test'() -> t(fun() ->
    [self() ! {n, N} || N <- [1, 7, 3]],
    ?assertEqual({n, 7}, receive {n, N} when N > 5 -> {n, N} end),
    ?assertEqual([{n, 1}, {n, 3}], conf_lib:drain()),
    R1 = make_ref(), R2 = make_ref(),
    self() ! {R1, one}, self() ! {R2, two},
    ?assertEqual(two, receive {R2, V} -> V end),
    ?assertEqual([{R1, one}], mailbox())
end).

'RCV_5_new_arrivals_queue_behind_skipped_test'() -> t(fun() ->
    self() ! a, self() ! b,
    receive b -> ok end,
    self() ! c,
    ?assertEqual([a, c], conf_lib:drain())
end).

'RCV_6_after_0_polls_test'() -> t(fun() ->
    ?assertEqual(timeout, receive _ -> got after 0 -> timeout end),
    self() ! m,
    ?assertEqual(got_m, receive m -> got_m after 0 -> timeout end)
end).

'RCV_7_a_timeout_consumes_nothing_test'() -> t(fun() ->
    self() ! a, self() ! b,
    ?assertEqual(timeout, receive z -> z after 0 -> timeout end),
    ?assertEqual(timeout, receive c -> c after 10 -> timeout end),
    ?assertEqual([a, b], mailbox())
end).

'RCV_8_without_after_receive_waits_test'() -> t(fun() ->
    Me = self(),
    W = spawn(fun() ->
        self() ! x,
        Me ! parked,
        R1 = receive go -> got_go end,
        R2 = receive go -> got_go after infinity -> timeout end,
        Me ! {self(), R1, R2, mailbox()}
    end),
    conf_lib:await(parked),
    W ! go, W ! go,
    receive {W, A, B, Left} -> ?assertEqual({got_go, got_go, [x]}, {A, B, Left}) end
end).

'RCV_9_a_matching_arrival_ends_the_wait_test'() -> t(fun() ->
    Me = self(),
    W = spawn(fun() ->
        T0 = ms(),
        Got = receive go -> got_go after 60000 -> timeout end,
        Me ! {waited, Got, ms() - T0}
    end),
    W ! go,
    receive {waited, Got, Ms} -> ?assertEqual(got_go, Got), ?assert(Ms < 60000) end
end).

'RCV_10_the_after_handler_runs_and_not_early_test'() -> t(fun() ->
    Me = self(),
    Ws = [spawn(fun() -> T0 = ms(), receive never -> no after 50 -> Me ! {fired, ms() - T0} end end)
          || _ <- lists:seq(1, 100)],
    Waited = [receive {fired, Ms} -> Ms end || _ <- Ws],
    ?assert(lists:min(Waited) >= 50)
end).

'RCV_11_non_matching_arrivals_do_not_restart_the_timer_test'() -> t(fun() ->
    Me = self(),
    W = spawn(fun() ->
        T0 = ms(),
        Me ! {started, self()},
        R = receive match_me -> matched after 300 -> timeout end,
        Me ! {done, R, ms() - T0, mailbox()}
    end),
    conf_lib:await({started, W}),
    %% a steady stream of noise for longer than the timeout; each arrival
    %% would push the deadline out if it restarted the timer
    Noise = spawn(fun Loop() -> W ! noise, receive stop -> ok after 10 -> Loop() end end),
    receive {done, R, Ms, Left} ->
        Noise ! stop,
        ?assertEqual(timeout, R),
        %% not early; had the noise restarted the timer, W would never report
        %% and the test would time out
        ?assert(Ms >= 300),
        ?assert(length(Left) > 0),
        ?assertEqual([], [X || X <- Left, X =/= noise])
    end
end).

'RCV_12_bad_timeouts_crash_only_when_the_receive_waits_test'() -> t(fun() ->
    %% The BEAM checks the value only when it has to wait: a matching message
    %% is taken even with after -1; an empty mailbox gives timeout_value.
    self() ! m,
    ?assertEqual(got, receive m -> got after -1 -> to end),
    Bad = fun(V) -> reason_of(fun() -> receive m -> got after V -> to end end) end,
    [?assertMatch({timeout_value, _}, Bad(V)) || V <- [-1, 1.0, foo, 4294967296, 1 bsl 60]]
end).

'RCV_13_selective_receive_behind_many_unmatched_test'() -> t(fun() ->
    [self() ! {noise, I} || I <- lists:seq(1, 100000)],
    self() ! wanted,
    ?assertEqual(wanted, receive wanted -> wanted end),
    ?assertEqual([{noise, I} || I <- lists:seq(1, 100000)], mailbox())
end).
