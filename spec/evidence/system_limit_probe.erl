%% X27: what a spawn does when the process table is full. Runs the probe on
%% a peer node started with +P 1024 (the smallest table the BEAM accepts).
%% erlc system_limit_probe.erl && erl -noshell -s system_limit_probe main -s init stop
-module(system_limit_probe).
-export([main/0, probe/0]).

main() ->
    Here = filename:dirname(code:which(?MODULE)),
    {ok, Peer, _} = peer:start_link(#{connection => standard_io, args => ["+P", "1024", "-pa", Here]}),
    Result = peer:call(Peer, ?MODULE, probe, [], 30000),
    peer:stop(Peer),
    io:format("~p~n", [Result]).

fill(Held) ->
    try spawn(fun() -> receive stop -> ok end end) of P -> fill([P | Held])
    catch error:system_limit -> Held end.

probe() ->
    [First | Rest] = fill([]),
    Full = erlang:system_info(process_count),
    Errors = [element(1, element(2, catch F())) ||
                 F <- [fun() -> spawn(fun() -> ok end) end,
                       fun() -> spawn_link(fun() -> ok end) end,
                       fun() -> spawn_monitor(fun() -> ok end) end]],
    After = erlang:system_info(process_count),
    {messages, Mailbox} = process_info(self(), messages),
    Ref = monitor(process, First),
    First ! stop,
    receive {'DOWN', Ref, process, First, _} -> ok end,
    Again = is_pid(spawn(fun() -> ok end)),
    [P ! stop || P <- Rest],
    #{process_limit => erlang:system_info(process_limit), count_when_full => Full,
      errors => Errors, count_after_refusals => After, mailbox => Mailbox,
      spawn_after_one_ended => Again}.
