%% RT: the runtime rules that have a BEAM counterpart. Most RT rules are about
%% the C++ Runtime object and are n/a (rules.tsv).
-module(rt_tests).
-include_lib("eunit/include/eunit.hrl").
-import(conf_lib, [t/1]).

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
