%% An eunit listener that collects each test's outcome and hands the list to
%% the process that started the run (option {collector, Pid}) when eunit
%% finishes; actorspec_beam_conformance turns it into GoogleTest JSON.
%% The callbacks and the {stop, Ref, ReplyTo} handshake at the end are
%% eunit_listener's protocol (as eunit_tty and eunit_surefire use it).
-module(gtest_listener).
-behaviour(eunit_listener).
-export([start/1, init/1, handle_begin/3, handle_end/3, handle_cancel/3, terminate/2]).

start(Options) -> eunit_listener:start(?MODULE, Options).

init(Options) ->
    Collector = proplists:get_value(collector, Options),
    receive {start, _Reference} -> #{collector => Collector, tests => []} end.

handle_begin(_Kind, _Data, St) -> St.

handle_end(test, Data, St = #{tests := Ts}) ->
    St#{tests := [result(Data, proplists:get_value(status, Data)) | Ts]};
handle_end(group, _Data, St) -> St.

%% A test eunit gave up on (timeout, crashed group, failed setup) is a
%% failure, never silence.
handle_cancel(test, Data, St = #{tests := Ts}) ->
    St#{tests := [result(Data, {error, {cancelled, proplists:get_value(reason, Data)}}) | Ts]};
handle_cancel(group, Data, St = #{tests := Ts}) ->
    case proplists:get_value(reason, Data) of
        undefined -> St;
        Reason -> St#{tests := [#{source => {group, proplists:get_value(desc, Data)},
                                  status => {error, {group_cancelled, Reason}}, time_ms => 0} | Ts]}
    end.

terminate(Result, #{collector := Collector, tests := Ts}) ->
    Collector ! {eunit_results, lists:reverse(Ts), Result},
    receive {stop, Reference, ReplyTo} -> ReplyTo ! {result, Reference, ok}, ok end.

result(Data, Status) ->
    #{source => proplists:get_value(source, Data),
      status => Status,
      time_ms => proplists:get_value(time, Data, 0),
      output => proplists:get_value(output, Data, <<>>)}.
