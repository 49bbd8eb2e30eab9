%% ORD: message ordering, on the BEAM.
-module(ord_tests).
-include_lib("eunit/include/eunit.hrl").
-import(conf_lib, [t/1, mailbox/0, down/1, down/2, reason_of/1, parked/0, dead_pid/0]).

collector(N) ->
    Me = self(),
    spawn(fun() -> Me ! {collected, self(), [receive M -> M end || _ <- lists:seq(1, N)]} end).

'ORD_1_one_senders_messages_arrive_in_order_test'() -> t(fun() ->
    C = collector(10000),
    [C ! I || I <- lists:seq(1, 10000)],
    receive {collected, C, Got} -> ?assertEqual(lists:seq(1, 10000), Got) end
end).

'ORD_2_pid_and_name_form_one_stream_test'() -> t(fun() ->
    C = collector(3000),
    register(ord_2_collector, C),
    [case I rem 2 of 0 -> C ! I; 1 -> ord_2_collector ! I end || I <- lists:seq(1, 3000)],
    receive {collected, C, Got} -> ?assertEqual(lists:seq(1, 3000), Got) end
end).

'ORD_3_a_message_to_self_is_there_when_send_returns_test'() -> t(fun() ->
    self() ! a, self() ! b, self() ! c,
    ?assertEqual({message_queue_len, 3}, process_info(self(), message_queue_len)),
    ?assertEqual([a, b, c], mailbox()),
    ?assertEqual(a, receive X -> X after 0 -> timeout end)
end).

'ORD_4_only_per_sender_order_holds_test'() -> t(fun() ->
    C = collector(4000),
    Go = fun(Tag) -> spawn(fun() -> [C ! {Tag, I} || I <- lists:seq(1, 2000)] end) end,
    Go(a), Go(b),
    receive {collected, C, Got} ->
        ?assertEqual([{a, I} || I <- lists:seq(1, 2000)], [M || M = {a, _} <- Got]),
        ?assertEqual([{b, I} || I <- lists:seq(1, 2000)], [M || M = {b, _} <- Got])
    end
end).

'ORD_5_messages_come_before_the_down_test'() -> t(fun() ->
    [begin
         Me = self(),
         {S, R} = spawn_monitor(fun() -> [Me ! {m, I} || I <- lists:seq(1, 100)], End() end),
         Reason = down(R, S),
         ?assertEqual([{m, I} || I <- lists:seq(1, 100)], conf_lib:drain()),
         ?assertNotEqual(undefined, Reason)
     end || End <- [fun() -> ok end, fun() -> exit(boom) end, fun() -> error(boom) end]]
end).

'ORD_6_messages_come_before_the_exit_test'() -> t(fun() ->
    process_flag(trap_exit, true),
    [begin
         Me = self(),
         S = spawn_link(fun() -> [Me ! {m, I} || I <- lists:seq(1, 100)], exit(Reason) end),
         receive {'EXIT', S, Reason} -> ok end,
         ?assertEqual([{m, I} || I <- lists:seq(1, 100)], conf_lib:drain())
     end || Reason <- [normal, boom]]
end).

'ORD_7_messages_and_exit_signals_from_one_sender_keep_order_test'() -> t(fun() ->
    process_flag(trap_exit, true),
    Me = self(),
    S = spawn(fun() -> Me ! hello, exit(Me, bye) end),
    R = monitor(process, S),
    down(R, S),
    ?assertEqual([hello, {'EXIT', S, bye}], conf_lib:drain())
end).

'ORD_8_exit_and_down_for_one_death_both_come_test'() -> t(fun() ->
    process_flag(trap_exit, true),
    Me = self(),
    S = spawn_link(fun() -> receive go -> Me ! last, exit(boom) end end),
    R = monitor(process, S),
    S ! go,
    conf_lib:await({'EXIT', S, boom}),
    down(R, S),
    %% both came, each after S's message (its order between them is impl.)
    ?assertEqual([], conf_lib:drain() -- [last])
end).

'ORD_9_a_pending_exit_signal_beats_a_pending_message_test'() -> t(fun() ->
    Me = self(),
    %% R parked in a receive that accepts m; R is suspended while S sends m
    %% and then its exit signal, so both are pending when R runs again.
    R = spawn(fun() -> receive m -> Me ! ran_the_m_clause end end),
    Mon = monitor(process, R),
    erlang:suspend_process(R),
    {S, SR} = spawn_monitor(fun() -> link(R), R ! m, exit(boom) end),
    boom = down(SR, S),
    %% And the exit/2 form: m, then exit(R2, boom).
    R2 = spawn(fun() -> receive m -> Me ! ran_the_m_clause end end),
    Mon2 = monitor(process, R2),
    erlang:suspend_process(R2),
    R2 ! m, exit(R2, boom),
    %% A suspended process still handles exit signals, so R may already be
    %% gone (resume then raises badarg); either way its clause never ran.
    catch erlang:resume_process(R),
    catch erlang:resume_process(R2),
    ?assertEqual(boom, down(Mon, R)),
    ?assertEqual(boom, down(Mon2, R2)),
    ?assertEqual([], mailbox())
end).

'ORD_10_sending_never_blocks_test'() -> t(fun() ->
    P = spawn(fun() -> receive never -> ok end end),
    [P ! I || I <- lists:seq(1, 200000)],
    ?assertEqual({message_queue_len, 200000}, process_info(P, message_queue_len)),
    {messages, Ms} = process_info(P, messages),
    ?assertEqual(lists:seq(1, 200000), Ms),
    exit(P, kill)
end).
