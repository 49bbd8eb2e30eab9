-module(probe).
-export([main/0, ord9/1]).

idle() -> receive stop -> ok end.

t(Name, F) ->
    Parent = self(),
    {Pid, Ref} = spawn_monitor(fun() -> Parent ! {res, self(), (catch F())} end),
    receive {res, Pid, R} -> io:format("~s: ~p~n", [Name, R]) end,
    receive {'DOWN', Ref, _, _, _} -> ok end.

main() ->
    t("monitor after kill", fun() ->
        P = spawn(fun idle/0), exit(P, kill), M = monitor(process, P),
        receive {'DOWN', M, _, _, R} -> {down, R} after 1000 -> none end end),
    t("link after kill (not trapping)", fun() ->
        P = spawn(fun idle/0), exit(P, kill),
        Me = self(),
        {W, WR} = spawn_monitor(fun() -> exit(P, kill), Me ! {linked, (catch link(P))}, receive after 200 -> alive end end),
        exit(P, kill),
        receive {'DOWN', WR, _, _, R} -> {linker_died, R}; {linked, L} -> receive {'DOWN', WR, _, _, R2} -> {link_returned, L, linker_end, R2} end end end),
    t("link after kill (fresh target, not trapping)", fun() ->
        Me = self(),
        {_W, WR} = spawn_monitor(fun() -> P = spawn(fun idle/0), exit(P, kill), Me ! {linked, (catch link(P))}, receive after 200 -> alive end end),
        receive {linked, L} -> receive {'DOWN', WR, _, _, R2} -> {link_returned, L, linker_end, R2} end;
                {'DOWN', WR, _, _, R} -> {linker_died, R} end end),
    t("link after kill (trapping)", fun() ->
        process_flag(trap_exit, true),
        P = spawn(fun idle/0), exit(P, kill), L = (catch link(P)),
        receive {'EXIT', P, R} -> {link_returned, L, exit_msg, R} after 1000 -> {link_returned, L, no_exit} end end),
    t("is_alive after kill", fun() -> P = spawn(fun idle/0), exit(P, kill), is_process_alive(P) end),
    t("register after kill (name held by P)", fun() ->
        P = spawn(fun idle/0), register(n1, P), exit(P, kill),
        Q = spawn(fun idle/0), R = (catch register(n1, Q)), W = whereis(n1), {R, W =:= Q, W =:= P, W} end),
    t("whereis after kill", fun() -> P = spawn(fun idle/0), register(n2, P), exit(P, kill), whereis(n2) end),
    t("send by name after kill", fun() -> P = spawn(fun idle/0), register(n3, P), exit(P, kill), catch (n3 ! hello) end),
    t("unregister after kill", fun() -> P = spawn(fun idle/0), register(n4, P), exit(P, kill), catch unregister(n4) end),
    t("registered after kill", fun() -> P = spawn(fun idle/0), register(n5, P), exit(P, kill), lists:member(n5, registered()) end),
    t("register dying pid", fun() -> P = spawn(fun idle/0), exit(P, kill), catch register(n6, P) end),
    t("monitor by name after kill", fun() -> P = spawn(fun idle/0), register(n7, P), exit(P, kill), M = monitor(process, n7),
        receive {'DOWN', M, _, _, R} -> {down, R} after 1000 -> none end end),
    t("monitor after exit(P, boom)", fun() ->
        P = spawn(fun idle/0), exit(P, boom), M = monitor(process, P),
        receive {'DOWN', M, _, _, R} -> {down, R} after 1000 -> none end end),
    t("link crash then monitor (third party)", fun() ->
        %% P linked to L; L crashes; right after L is dead, monitor(P)
        Me = self(),
        P = spawn(fun() -> receive go -> L = spawn_link(fun() -> receive x -> ok end end), Me ! {l, L}, receive stop -> ok end end end),
        P ! go, L = receive {l, X} -> X end,
        exit(L, boom), M = monitor(process, P),
        receive {'DOWN', M, _, _, R} -> {down, R} after 1000 -> none end end),
    ok.

%% ORD-9: parked receiver R (not trapping), sender S sends m then exit(R, kill)
%% or, linked, S sends m then crashes.
ord9(N) ->
    K = trials(N, kill, 0), L = trials(N, link, 0),
    io:format("ord9 exit(R,kill) after m: clause ran ~p/~p~n", [K, N]),
    io:format("ord9 linked sender crash after m: clause ran ~p/~p~n", [L, N]).

trials(0, _, Acc) -> Acc;
trials(N, Mode, Acc) ->
    Me = self(),
    R = spawn(fun() -> receive m -> Me ! ran, receive after infinity -> ok end end end),
    Ref = monitor(process, R),
    receive after 1 -> ok end,   %% let R park in receive
    case Mode of
        kill -> R ! m, exit(R, kill);
        link -> spawn(fun() -> link(R), R ! m, exit(boom) end)
    end,
    receive {'DOWN', Ref, _, _, _} -> ok end,
    Ran = receive ran -> 1 after 0 -> 0 end,
    trials(N-1, Mode, Acc + Ran).
