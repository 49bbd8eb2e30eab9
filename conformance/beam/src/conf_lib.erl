%% Helpers the BEAM conformance tests share. Every test body runs in a fresh
%% process (t/1), so trap_exit flags, links and mailboxes never leak from one
%% test into the next, or into eunit's own processes.
-module(conf_lib).
-export([t/1, mailbox/0, down/1, down/2, reason_of/1, parked/0, dead_pid/0,
         links/1, drain/0, await/1, flush_exits/0, until_in_mailbox/1]).

%% How long a test waits for something that must happen. Long enough for a
%% loaded 2-core machine; no test waits for something that must NOT happen
%% except with after 0 once the ordering rules make the answer certain.
-define(WAIT, 4000).

%% Runs Body in a new process; the test passes when it returns normally.
t(Body) ->
    {Pid, Ref} = spawn_monitor(Body),
    receive
        {'DOWN', Ref, process, Pid, normal} -> ok;
        {'DOWN', Ref, process, Pid, Reason} -> erlang:error({test_process_failed, Reason})
    after ?WAIT ->
        exit(Pid, kill),
        erlang:error({test_process_timed_out, ?WAIT})
    end.

mailbox() ->
    {messages, Ms} = process_info(self(), messages),
    Ms.

%% The reason in the Down of a process the caller monitors.
down(Pid) ->
    receive {'DOWN', _, process, Pid, Reason} -> Reason
    after ?WAIT -> erlang:error({no_down_for, Pid})
    end.

down(Ref, Pid) ->
    receive {'DOWN', Ref, process, Pid, Reason} -> Reason
    after ?WAIT -> erlang:error({no_down_for, Pid, Ref})
    end.

%% The exit reason of Fun run as an unlinked, monitored process.
reason_of(Fun) ->
    {Pid, Ref} = spawn_monitor(Fun),
    down(Ref, Pid).

parked() -> spawn(fun() -> receive stop -> ok end end).

%% A pid whose process has ended (and whose end the caller has seen).
dead_pid() ->
    {Pid, Ref} = spawn_monitor(fun() -> ok end),
    normal = down(Ref, Pid),
    Pid.

links(Pid) ->
    {links, Ls} = process_info(Pid, links),
    Ls.

%% Takes every message now in the mailbox, oldest first.
drain() ->
    receive M -> [M | drain()] after 0 -> [] end.

%% Waits for exactly Msg (selective), failing after ?WAIT.
await(Msg) ->
    receive Msg -> Msg
    after ?WAIT -> erlang:error({never_received, Msg, mailbox()})
    end.

flush_exits() ->
    receive {'EXIT', _, _} -> flush_exits() after 0 -> ok end.

%% Waits, without taking anything, until a message Pred accepts is in the
%% mailbox: for tests about what receive or demonitor do with a message that
%% has already arrived. Yields between looks; fails after ?WAIT.
until_in_mailbox(Pred) ->
    Deadline = erlang:monotonic_time(millisecond) + ?WAIT,
    until_in_mailbox(Pred, Deadline).
until_in_mailbox(Pred, Deadline) ->
    case lists:any(Pred, mailbox()) of
        true -> ok;
        false ->
            erlang:monotonic_time(millisecond) < Deadline orelse erlang:error({never_arrived, mailbox()}),
            erlang:yield(),
            until_in_mailbox(Pred, Deadline)
    end.
