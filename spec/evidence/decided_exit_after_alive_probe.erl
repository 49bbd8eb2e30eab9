-module(probe2).
-export([main/0]).
idle() -> receive stop -> ok end.
t(Name, F) ->
    Parent = self(),
    {Pid, Ref} = spawn_monitor(fun() -> Parent ! {res, self(), (catch F())} end),
    receive {res, Pid, R} -> io:format("~s: ~p~n", [Name, R]) end,
    receive {'DOWN', Ref, _, _, _} -> ok end.
main() ->
    N = 200,
    C = fun(F) -> length([x || _ <- lists:seq(1, N), F()]) end,
    t("after exit(P,kill) + is_process_alive false: register(n, Q) succeeds (/200)", fun() -> C(fun() ->
        P = spawn(fun idle/0), register(n1, P), exit(P, kill), false = is_process_alive(P),
        Q = spawn(fun idle/0), R = (catch register(n1, Q)), W = whereis(n1), unregister(n1), Q ! stop, R =:= true andalso W =:= Q end) end),
    t("after ... is_process_alive false: n ! m raises badarg (/200)", fun() -> C(fun() ->
        P = spawn(fun idle/0), register(n2, P), exit(P, kill), false = is_process_alive(P),
        case catch (n2 ! m) of {'EXIT', {badarg, _}} -> true; _ -> false end end) end),
    t("after ... is_process_alive false: unregister raises badarg (/200)", fun() -> C(fun() ->
        P = spawn(fun idle/0), register(n3, P), exit(P, kill), false = is_process_alive(P),
        case catch unregister(n3) of {'EXIT', {badarg, _}} -> true; _ -> false end end) end),
    t("after ... is_process_alive false: registered() omits the name (/200)", fun() -> C(fun() ->
        P = spawn(fun idle/0), register(n4, P), exit(P, kill), false = is_process_alive(P),
        not lists:member(n4, registered()) end) end),
    t("after exit(P,kill): monitor(P) Down noproc (/200)", fun() -> C(fun() ->
        P = spawn(fun idle/0), exit(P, kill), M = monitor(process, P),
        receive {'DOWN', M, _, _, noproc} -> true; {'DOWN', M, _, _, _} -> false end end) end),
    t("after exit(P,kill): link(P) trapping gives EXIT noproc (/200)", fun() -> process_flag(trap_exit, true), C(fun() ->
        P = spawn(fun idle/0), exit(P, kill), catch link(P),
        receive {'EXIT', P, noproc} -> true; {'EXIT', P, _} -> false end end) end),
    t("after exit(P,kill): monitor by name Down noproc (/200)", fun() -> C(fun() ->
        P = spawn(fun idle/0), register(n5, P), exit(P, kill), M = monitor(process, n5),
        receive {'DOWN', M, _, _, noproc} -> true; {'DOWN', M, _, _, _} -> false end end) end),
    t("after exit(P,boom) non-trapping: monitor(P) Down noproc (/200)", fun() -> C(fun() ->
        P = spawn(fun idle/0), exit(P, boom), M = monitor(process, P),
        receive {'DOWN', M, _, _, noproc} -> true; {'DOWN', M, _, _, _} -> false end end) end),
    ok.
