%% Writes JSON text. OTP 25 has no JSON module (json arrived in OTP 27) and
%% the BEAM side must not depend on anything but Debian's erlang packages, so
%% this is the small subset the results need: {obj, [{Key, Value}]} (keys in
%% the order given), lists as arrays, binaries as strings, atoms true, false
%% and null, integers and floats (non-finite floats cannot occur in Erlang).
-module(actorspec_json).
-export([encode/1, write_file/2]).

write_file(Path, Term) ->
    ok = file:write_file(Path, [encode(Term), $\n]).

encode({obj, KVs}) ->
    [${, lists:join($,, [[$\n, string(key(K)), $:, encode(V)] || {K, V} <- KVs]), $\n, $}];
encode(L) when is_list(L) -> [$[, lists:join($,, [encode(V) || V <- L]), $]];
encode(true) -> <<"true">>;
encode(false) -> <<"false">>;
encode(null) -> <<"null">>;
encode(A) when is_atom(A) -> string(atom_to_binary(A));
encode(B) when is_binary(B) -> string(B);
encode(I) when is_integer(I) -> integer_to_binary(I);
encode(F) when is_float(F) -> float_to_binary(F, [short]).

key(K) when is_atom(K) -> atom_to_binary(K);
key(K) when is_binary(K) -> K.

string(B) -> [$", [escape(C) || C <- unicode:characters_to_list(B)], $"].

escape($") -> <<"\\\"">>;
escape($\\) -> <<"\\\\">>;
escape($\n) -> <<"\\n">>;
escape($\r) -> <<"\\r">>;
escape($\t) -> <<"\\t">>;
escape(C) when C < 16#20 -> io_lib:format("\\u~4.16.0b", [C]);
escape(C) -> unicode:characters_to_binary([C]).
