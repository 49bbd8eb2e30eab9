%% LNK: links and exit signals, on the BEAM.
-module(lnk_tests).
-include_lib("eunit/include/eunit.hrl").
-import(conf_lib, [t/1, mailbox/0, down/1, down/2, reason_of/1, parked/0, dead_pid/0, links/1]).

%% A process that parks, linked to nobody, trapping or not; it answers
%% {ping, From} with pong and {mailbox, From} with its mailbox.
server(Trap) ->
    Me = self(),
    P = spawn(fun() -> process_flag(trap_exit, Trap), Me ! {up, self()}, serve() end),
    conf_lib:await({up, P}),  % trapping before anyone signals it
    P.
serve() ->
    receive
        {ping, From} -> From ! {pong, self()}, serve();
        {mailbox, From} -> From ! {mailbox, self(), conf_lib:mailbox()}, serve();
        {link, To, From} -> link(To), From ! {linked, self()}, serve();
        stop -> ok
    end.
ping(P) -> P ! {ping, self()}, conf_lib:await({pong, P}).
mailbox_of(P) -> P ! {mailbox, self()}, receive {mailbox, P, M} -> M end.
link_them(A, B) -> A ! {link, B, self()}, conf_lib:await({linked, A}).

%% Waits until P's mailbox holds Msg: for an 'EXIT' that a third process's
%% end sends to P, which nothing orders against our own messages to P.
%% Polls process_info (yielding), fails after 4 s.
until_no_links(P) -> until_no_links(P, erlang:monotonic_time(millisecond) + 4000).
until_no_links(P, Deadline) ->
    case links(P) of
        [] -> ok;
        Ls ->
            erlang:monotonic_time(millisecond) < Deadline orelse erlang:error({still_linked, P, Ls}),
            erlang:yield(),
            until_no_links(P, Deadline)
    end.

until_in_mailbox_of(P, Msg) -> until_in_mailbox_of(P, Msg, erlang:monotonic_time(millisecond) + 4000).
until_in_mailbox_of(P, Msg, Deadline) ->
    {messages, Ms} = process_info(P, messages),
    case lists:member(Msg, Ms) of
        true -> ok;
        false ->
            erlang:monotonic_time(millisecond) < Deadline orelse erlang:error({never_arrived, Msg, Ms}),
            erlang:yield(),
            until_in_mailbox_of(P, Msg, Deadline)
    end.

'LNK_1_links_are_bidirectional_test'() -> t(fun() ->
    P = server(false), C = server(true),
    link_them(P, C),
    ?assertEqual([C], links(P)),
    ?assertEqual([P], links(C)),
    exit(P, boom1),
    until_in_mailbox_of(C, {'EXIT', P, boom1}),
    ?assertEqual([{'EXIT', P, boom1}], mailbox_of(C))
end).

'LNK_2_a_link_is_not_counted_test'() -> t(fun() ->
    Q = parked(),
    link(Q), link(Q),
    ?assertEqual([Q], links(self())),
    unlink(Q),
    ?assertEqual([], links(self())),
    MQ = monitor(process, Q),
    exit(Q, boom),   % no link left: we survive (an exit signal would come before the Down)
    boom = down(MQ, Q),
    ?assertEqual(true, link(self())),
    ?assertEqual([], links(self())),
    ?assertEqual([], mailbox())
end).

'LNK_3_linking_to_a_dead_process_test'() -> t(fun() ->
    D = dead_pid(),
    ?assertError(noproc, link(D)),
    ?assertEqual([], links(self())),
    ?assertEqual([], mailbox()),
    ?assertMatch({noproc, _}, reason_of(fun() -> link(D) end)),
    process_flag(trap_exit, true),
    ?assertEqual(true, link(D)),
    %% the BEAM queues the 'EXIT' by the time link/1 returns (L16)
    ?assertEqual({'EXIT', D, noproc}, receive X -> X after 0 -> not_there end)
end).

'LNK_4_unlink_test'() -> t(fun() ->
    Q = parked(),
    link(Q), unlink(Q),
    MQ = monitor(process, Q),
    exit(Q, boom),
    boom = down(MQ, Q),   % any exit signal from Q would have come before its Down
    process_flag(trap_exit, true),
    Q2 = spawn_link(fun() -> receive go -> exit(boom) end end),
    M2 = monitor(process, Q2),
    Q2 ! go,
    boom = down(M2, Q2),  % so the 'EXIT' is in the mailbox; now unlink
    unlink(Q2),
    ?assertEqual([{'EXIT', Q2, boom}], mailbox()),
    ?assertEqual(true, unlink(dead_pid()))
end).

'LNK_5_kill_sent_with_exit2_cannot_be_trapped_test'() -> t(fun() ->
    P = server(true), Q = server(false), R = server(true),
    link_them(P, Q), link_them(P, R),
    MP = monitor(process, P), MQ = monitor(process, Q),
    exit(P, kill),
    ?assertEqual(killed, down(MP, P)),
    ?assertEqual(killed, down(MQ, Q)),
    until_in_mailbox_of(R, {'EXIT', P, killed}),
    ?assertEqual([{'EXIT', P, killed}], mailbox_of(R)),
    %% a process that kills its own linked partner is killed in turn
    ?assertEqual(killed, reason_of(fun() -> X = parked(), link(X), exit(X, kill), receive after infinity -> ok end end)),
    %% exit(self(), kill) in a trapping process does not return
    ?assertEqual(killed, reason_of(fun() -> process_flag(trap_exit, true), exit(self(), kill), exit(returned) end))
end).

'LNK_6_an_abnormal_end_ends_non_trapping_partners_test'() -> t(fun() ->
    [begin
         A = server(false), B = server(false), C = server(false),
         link_them(A, B), link_them(B, C),
         MA = monitor(process, A), MB = monitor(process, B),
         exit(C, Reason),
         ?assertEqual(Reason, down(MB, B)),
         ?assertEqual(Reason, down(MA, A))
     end || Reason <- [boom, shutdown, {shutdown, x}]],
    %% error(boom): the partner gets exactly the same term, stacktrace included
    Me = self(),
    A2 = spawn(fun() -> process_flag(trap_exit, true), Me ! ready, receive {'EXIT', _, R} -> Me ! {a_got, R} end end),
    conf_lib:await(ready),
    {B2, MB2} = spawn_monitor(fun() -> link(A2), error(boom) end),
    Reason2 = down(MB2, B2),
    ?assertMatch({boom, [_ | _]}, Reason2),
    conf_lib:await({a_got, Reason2})
end).

'LNK_7_a_normal_end_does_not_end_partners_test'() -> t(fun() ->
    [begin
         A = server(false),
         {B, MB} = spawn_monitor(fun() -> link(A), End() end),
         ?assertEqual(normal, down(MB, B)),
         %% A has handled B's exit signal once the link is gone from its side
         until_no_links(A),
         ping(A)
     end || End <- [fun() -> ok end, fun() -> exit(normal) end]]
end).

'LNK_8_trapping_turns_signals_into_messages_test'() -> t(fun() ->
    process_flag(trap_exit, true),
    B1 = spawn_link(fun() -> ok end),
    B2 = spawn_link(fun() -> exit(boom) end),
    conf_lib:await({'EXIT', B1, normal}),
    conf_lib:await({'EXIT', B2, boom}),
    ?assertEqual([], links(self())),
    %% a trapping process stops a chain
    A = server(false), B = server(true), C = server(false),
    link_them(A, B), link_them(B, C),
    MC = monitor(process, C),
    exit(C, boom),
    boom = down(MC, C),
    until_in_mailbox_of(B, {'EXIT', C, boom}),
    ping(B), ping(A),   % B trapped it; A, linked to B only, never heard of it
    ?assertEqual([{'EXIT', C, boom}], mailbox_of(B))
end).

'LNK_9_exit_kill_from_the_body_is_an_ordinary_reason_test'() -> t(fun() ->
    Q = server(false), R = server(true),
    MQ = monitor(process, Q),
    {P, MP} = spawn_monitor(fun() -> link(Q), link(R), process_flag(trap_exit, true), exit(kill) end),
    ?assertEqual(kill, down(MP, P)),
    ?assertEqual(kill, down(MQ, Q)),
    until_in_mailbox_of(R, {'EXIT', P, kill}),
    ?assertEqual([{'EXIT', P, kill}], mailbox_of(R))
end).

'LNK_10_killed_is_an_ordinary_reason_test'() -> t(fun() ->
    P = server(true), Q = server(false),
    MQ = monitor(process, Q),
    exit(P, killed), exit(Q, killed),
    ping(P),
    ?assertEqual([{'EXIT', self(), killed}], mailbox_of(P)),
    ?assertEqual(killed, down(MQ, Q))
end).

'LNK_11_exit2_with_any_other_reason_test'() -> t(fun() ->
    P = server(true),
    exit(P, boom),
    ping(P),
    ?assertEqual([{'EXIT', self(), boom}], mailbox_of(P)),
    U = server(false), Q = server(false),
    link_them(U, Q),
    MU = monitor(process, U), MQ = monitor(process, Q),
    exit(U, boom),
    ?assertEqual(boom, down(MU, U)),
    ?assertEqual(boom, down(MQ, Q))
end).

'LNK_12_exit2_with_normal_test'() -> t(fun() ->
    P = server(false),
    ?assertEqual(true, exit(P, normal)),
    ping(P),
    T = server(true),
    exit(T, normal),
    ping(T),
    ?assertEqual([{'EXIT', self(), normal}], mailbox_of(T)),
    ?assertEqual(normal, reason_of(fun() -> exit(self(), normal), exit(returned) end)),
    Me = self(),
    {S, MS} = spawn_monitor(fun() -> process_flag(trap_exit, true), exit(self(), normal),
                                     Me ! {got, receive X -> X after 0 -> none end} end),
    ?assertEqual(normal, down(MS, S)),
    conf_lib:await({got, {'EXIT', S, normal}})
end).

'LNK_13_the_trap_exit_flag_test'() -> t(fun() ->
    ?assertEqual(false, process_flag(trap_exit, true)),
    ?assertEqual(true, process_flag(trap_exit, true)),
    ?assertEqual(true, process_flag(trap_exit, false)),
    ?assertEqual(false, process_flag(trap_exit, false)),
    process_flag(trap_exit, true),
    Q = spawn_link(fun() -> exit(boom) end),
    conf_lib:await({'EXIT', Q, boom}),
    self() ! {'EXIT', Q, boom},
    process_flag(trap_exit, false),
    ?assertEqual({'EXIT', Q, boom}, receive X -> X after 0 -> none end)
end).

'LNK_14_exit1_is_catchable_an_exit_signal_is_not_test'() -> t(fun() ->
    ?assertEqual(caught_exit_foo, try exit(foo) catch exit:foo -> caught_exit_foo end),
    Me = self(),
    ?assertEqual(bar, reason_of(fun() ->
        try exit(self(), bar), receive after infinity -> ok end
        catch _:_ -> Me ! caught_the_signal
        end end)),
    ?assertEqual([], mailbox())
end).

'LNK_15_the_exit_reason_of_a_process_that_ends_test'() -> t(fun() ->
    ?assertEqual(normal, reason_of(fun() -> ok end)),
    ?assertEqual(foo, reason_of(fun() -> exit(foo) end)),
    ?assertMatch({boom, [_ | _]}, reason_of(fun() -> error(boom) end)),
    ?assertMatch({{nocatch, v}, [_ | _]}, reason_of(fun() -> throw(v) end))
end).

'LNK_16_spawn_link_links_before_the_child_runs_test'() -> t(fun() ->
    Me = self(),
    C = spawn_link(fun() -> Me ! {child_links, links(self())}, receive stop -> ok end end),
    conf_lib:await({child_links, [Me]}),
    unlink(C), exit(C, kill),
    process_flag(trap_exit, true),
    C2 = spawn_link(fun() -> exit(boom) end),
    conf_lib:await({'EXIT', C2, boom}),
    process_flag(trap_exit, false),
    ?assertEqual(boom, reason_of(fun() -> spawn_link(fun() -> exit(boom) end), receive after infinity -> ok end end))
end).

'LNK_17_a_signal_ends_a_busy_process_without_a_receive_test'() -> t(fun() ->
    %% The BEAM preempts: a loop that never calls receive is ended anyway.
    Spin = fun Spin(N) -> Spin(N + 1) end,
    [begin
         {P, M} = spawn_monitor(fun() -> Spin(0) end),
         exit(P, Reason),
         ?assertEqual(Expected, down(M, P))
     end || {Reason, Expected} <- [{kill, killed}, {boom, boom}]],
    P2 = parked(), M2 = monitor(process, P2),
    exit(P2, kill),
    ?assertEqual(killed, down(M2, P2))
end).

'LNK_18_not_alive_once_an_ending_signal_is_accepted_test'() -> t(fun() ->
    [begin
         P = parked(),
         exit(P, Reason),
         ?assertNot(is_process_alive(P))
     end || Reason <- [kill, boom], _ <- lists:seq(1, 200)],
    T = server(true),
    exit(T, boom),
    ?assert(is_process_alive(T))
end).

'LNK_19_exit2_to_a_dead_process_test'() -> t(fun() ->
    D = dead_pid(),
    [?assertEqual(true, exit(D, R)) || R <- [foo, normal, kill, killed]],
    ?assertEqual([], mailbox())
end).
