%% Runs the spec's scenarios on this Erlang/OTP node and writes the results
%% in the shape GoogleTest's --gtest_output=json gives, so the report's
%% conformance matrix reads the BEAM as one more backend, `beam`.
%%
%%   erl -noshell -pa EBIN -run actorspec_beam_conformance main OUT.json RULES.tsv SPEC.md
%%
%% RULES.tsv classifies every rule of SPEC.md for the BEAM: `checked` (the
%% BEAM test checks the rule as written), `deviation` (the spec deliberately
%% departs from the BEAM; the test checks what the BEAM itself does) or `n/a`
%% (no BEAM counterpart: written as a skipped test carrying the reason).
%% Each test entry carries its class as the property "beam_class". A rule the
%% table and the tests disagree about is written as a failing test, so the
%% table cannot silently drift from the spec or the tests.
%% Exit status: 0 when every test passed, 1 otherwise.
-module(actorspec_beam_conformance).
-export([main/1]).

-define(MODULES, [spn_tests, ord_tests, rcv_tests, lnk_tests, mon_tests,
                  reg_tests, err_tests, rt_tests, gde_tests]).

main([Out, RulesPath, SpecPath]) ->
    Started = erlang:monotonic_time(millisecond),
    Classes = read_classes(RulesPath),
    SpecRules = read_spec_rules(SpecPath),
    eunit:test(?MODULES, [{report, {gtest_listener, [{collector, self()}]}}, no_tty]),
    Results = receive {eunit_results, Rs, _} -> Rs after 600000 -> erlang:error(eunit_never_finished) end,
    Tests = [test_entry(R, Classes) || R <- Results],
    Tested = lists:usort([rule_of(name_of(R)) || R <- Results]),
    Extra = not_applicable(Classes) ++ untested(Classes, Tested) ++ unclassified(SpecRules, Classes),
    All = Tests ++ Extra,
    Failed = [E || E <- All, failed(E)],
    Elapsed = (erlang:monotonic_time(millisecond) - Started) / 1000,
    actorspec_json:write_file(Out, document(All, Elapsed)),
    summary(All, Failed, Out),
    erlang:halt(case Failed of [] -> 0; _ -> 1 end);
main(_) ->
    io:format(standard_error, "usage: ... main OUT.json RULES.tsv SPEC.md~n", []),
    erlang:halt(2).

%% RULES.tsv: "ID<TAB>class<TAB>note"; '#' starts a comment line.
read_classes(Path) ->
    {ok, Bin} = file:read_file(Path),
    Lines = [L || L <- binary:split(Bin, <<"\n">>, [global]), L =/= <<>>, binary:first(L) =/= $#],
    maps:from_list([parse_class(binary:split(L, <<"\t">>, [global])) || L <- Lines]).

parse_class([Id, Class | Note]) ->
    true = lists:member(Class, [<<"checked">>, <<"deviation">>, <<"n/a">>]),
    {Id, {Class, iolist_to_binary(lists:join(<<" ">>, Note))}}.

read_spec_rules(Path) ->
    {ok, Bin} = file:read_file(Path),
    {match, Ids} = re:run(Bin, "^### ([A-Z]+-[0-9]+[a-z]?) ", [multiline, global, {capture, all_but_first, binary}]),
    lists:usort([Id || [Id] <- Ids]).

name_of(#{source := {_M, F, _A}}) ->
    Name = atom_to_binary(F),
    binary:part(Name, 0, byte_size(Name) - byte_size(<<"_test">>));
name_of(#{source := {group, Desc}}) ->
    iolist_to_binary(io_lib:format("eunit_group_~tp", [Desc])).

%% LNK_5_kill_untrappable -> <<"LNK-5">>
rule_of(Name) ->
    case re:run(Name, "^([A-Z]+)_([0-9]+[a-z]?)_", [{capture, all_but_first, binary}]) of
        {match, [Area, N]} -> <<Area/binary, "-", N/binary>>;
        nomatch -> none
    end.

suite_of(#{source := {M, _, _}}) -> <<(atom_to_binary(M))/binary, "/beam">>;
suite_of(_) -> <<"eunit/beam">>.

test_entry(R = #{status := Status, time_ms := Ms}, Classes) ->
    Name = name_of(R),
    {Class, Problems} =
        case maps:get(rule_of(Name), Classes, undefined) of
            undefined -> {<<"unclassified">>, [<<"the rule of this test is not in conformance/beam/rules.tsv">>]};
            {<<"n/a">>, _} -> {<<"n/a">>, [<<"rules.tsv says n/a, yet this test exists">>]};
            {C, _} -> {C, []}
        end,
    Failures = Problems ++ status_failures(Status),
    entry(Name, suite_of(R), Ms, Class,
          case Status of {skipped, Why} -> {skipped, fmt(Why)}; _ -> completed end, Failures).

status_failures(ok) -> [];
status_failures({skipped, _}) -> [];
status_failures({error, Exception}) ->
    [try iolist_to_binary(eunit_lib:format_exception(Exception, 40))
     catch _:_ -> fmt(Exception) end].

not_applicable(Classes) ->
    [entry(<<(underscored(Id))/binary, "_no_beam_counterpart">>, <<"not_applicable/beam">>, 0,
           <<"n/a">>, {skipped, <<"n/a on the BEAM: ", Note/binary>>}, [])
     || {Id, {<<"n/a">>, Note}} <- lists:sort(maps:to_list(Classes))].

untested(Classes, Tested) ->
    [entry(<<(underscored(Id))/binary, "_has_no_beam_test">>, <<"classification/beam">>, 0, Class, completed,
           [<<"rules.tsv classifies ", Id/binary, " as ", Class/binary, " but no BEAM test names it">>])
     || {Id, {Class, _}} <- lists:sort(maps:to_list(Classes)), Class =/= <<"n/a">>,
        not lists:member(Id, Tested)].

unclassified(SpecRules, Classes) ->
    Known = maps:keys(Classes),
    [entry(<<(underscored(Id))/binary, "_not_classified_for_the_beam">>, <<"classification/beam">>, 0,
           <<"unclassified">>, completed, [<<Id/binary, " is in spec/SPEC.md but not in conformance/beam/rules.tsv">>])
     || Id <- SpecRules, not lists:member(Id, Known)] ++
    [entry(<<(underscored(Id))/binary, "_not_in_the_spec">>, <<"classification/beam">>, 0,
           <<"unclassified">>, completed, [<<Id/binary, " is in conformance/beam/rules.tsv but not in spec/SPEC.md">>])
     || Id <- Known, not lists:member(Id, SpecRules)].

underscored(Id) -> binary:replace(Id, <<"-">>, <<"_">>).

entry(Name, Suite, Ms, Class, Result, Failures) ->
    {obj, [{name, <<Name/binary, "/beam">>},
           {value_param, <<"\"beam\"">>},
           {status, <<"RUN">>},
           {result, case Result of completed -> <<"COMPLETED">>; {skipped, _} -> <<"SKIPPED">> end},
           {time, iolist_to_binary(io_lib:format("~.3fs", [Ms / 1000]))},
           {classname, Suite},
           {beam_class, Class}]
          ++ case Result of {skipped, Why} -> [{skipped, [{obj, [{message, Why}]}]}]; completed -> [] end
          ++ case Failures of [] -> []; _ -> [{failures, [{obj, [{failure, F}, {type, <<>>}]} || F <- Failures]}] end}.

failed({obj, KVs}) -> lists:keymember(failures, 1, KVs).

field(K, {obj, KVs}) -> element(2, lists:keyfind(K, 1, KVs)).

document(All, Elapsed) ->
    Suites = lists:usort([field(classname, E) || E <- All]),
    {obj, [{tests, length(All)},
           {failures, length([E || E <- All, failed(E)])},
           {disabled, 0}, {errors, 0},
           {timestamp, list_to_binary(calendar:system_time_to_rfc3339(erlang:system_time(second)))},
           {time, iolist_to_binary(io_lib:format("~.3fs", [Elapsed]))},
           {name, <<"AllTests">>},
           {otp_release, list_to_binary(erlang:system_info(otp_release))},
           {erts_version, list_to_binary(erlang:system_info(version))},
           {schedulers, erlang:system_info(schedulers_online)},
           {testsuites, [suite(S, [E || E <- All, field(classname, E) =:= S]) || S <- Suites]}]}.

suite(Name, Es) ->
    {obj, [{name, Name}, {tests, length(Es)}, {failures, length([E || E <- Es, failed(E)])},
           {disabled, 0}, {errors, 0}, {time, <<"0s">>}, {testsuite, Es}]}.

summary(All, Failed, Out) ->
    Count = fun(C) -> length([E || E <- All, field(beam_class, E) =:= C, not failed(E)]) end,
    io:format("beam: ~b tests: ~b checked, ~b deviation (BEAM's own behaviour), ~b n/a, ~b failed -> ~ts~n",
              [length(All), Count(<<"checked">>), Count(<<"deviation">>), Count(<<"n/a">>), length(Failed), Out]),
    [io:format("[  FAILED  ] ~ts~n  ~ts~n", [field(name, E), hd([field(failure, F) || F <- field(failures, E)])])
     || E <- Failed],
    ok.

fmt(Term) -> iolist_to_binary(io_lib:format("~0tp", [Term])).
