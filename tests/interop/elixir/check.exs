# Checks tests/vectors with Erlang's own :crypto HMAC (see ../README.md).
#
#     elixir tests/interop/elixir/check.exs tests/vectors
#
# Elixir 1.14 / OTP 25 ship no JSON module and this must run without hex, so
# a small strict RFC 8259 decoder comes first. Objects become maps, null nil.

defmodule Interop.JSON do
  import Bitwise

  def decode!(text) do
    {value, rest} = value(ws(text))
    if ws(rest) == "", do: value, else: fail("trailing data after the value")
  end

  defp fail(why), do: raise(ArgumentError, "invalid JSON: " <> why)

  defp ws(<<c, rest::binary>>) when c in [?\s, ?\t, ?\n, ?\r], do: ws(rest)
  defp ws(text), do: text

  defp value("{" <> rest), do: object(ws(rest))
  defp value("[" <> rest), do: array(ws(rest))
  defp value("\"" <> rest), do: string(rest, [])
  defp value("true" <> rest), do: {true, rest}
  defp value("false" <> rest), do: {false, rest}
  defp value("null" <> rest), do: {nil, rest}
  defp value(<<c, _::binary>> = text) when c == ?- or c in ?0..?9, do: number(text)
  defp value(_), do: fail("expected a value")

  defp object("}" <> rest), do: {%{}, rest}
  defp object(text), do: members(text, %{})

  defp members("\"" <> rest, acc) do
    {key, rest} = string(rest, [])

    {val, rest} =
      case ws(rest) do
        ":" <> rest -> value(ws(rest))
        _ -> fail("expected ':'")
      end

    acc = Map.put(acc, key, val)

    case ws(rest) do
      "," <> rest -> members(ws(rest), acc)
      "}" <> rest -> {acc, rest}
      _ -> fail("expected ',' or '}'")
    end
  end

  defp members(_, _), do: fail("expected a string key")

  defp array("]" <> rest), do: {[], rest}
  defp array(text), do: elements(text, [])

  defp elements(text, acc) do
    {val, rest} = value(text)

    case ws(rest) do
      "," <> rest -> elements(ws(rest), [val | acc])
      "]" <> rest -> {Enum.reverse([val | acc]), rest}
      _ -> fail("expected ',' or ']'")
    end
  end

  @escapes %{
    ?" => ?",
    ?\\ => ?\\,
    ?/ => ?/,
    ?b => ?\b,
    ?f => ?\f,
    ?n => ?\n,
    ?r => ?\r,
    ?t => ?\t
  }

  defp string("\"" <> rest, acc) do
    text = IO.iodata_to_binary(acc)
    if String.valid?(text), do: {text, rest}, else: fail("string is not UTF-8")
  end

  defp string("\\u" <> <<hex::binary-4, rest::binary>>, acc) do
    case {hex4(hex), rest} do
      {hi, "\\u" <> <<lo::binary-4, rest::binary>>} when hi in 0xD800..0xDBFF ->
        lo = hex4(lo)
        if lo not in 0xDC00..0xDFFF, do: fail("unpaired surrogate")
        string(rest, [acc, <<0x10000 + ((hi - 0xD800) <<< 10) + (lo - 0xDC00)::utf8>>])

      {code, _} when code in 0xD800..0xDFFF ->
        fail("unpaired surrogate")

      {code, _} ->
        string(rest, [acc, <<code::utf8>>])
    end
  end

  defp string(<<?\\, e, rest::binary>>, acc) when is_map_key(@escapes, e),
    do: string(rest, [acc, @escapes[e]])

  defp string(<<c, rest::binary>>, acc) when c >= 0x20 and c != ?\\, do: string(rest, [acc, c])
  defp string(_, _), do: fail("bad string")

  defp hex4(hex) do
    if hex =~ ~r/\A[0-9a-fA-F]{4}\z/, do: String.to_integer(hex, 16), else: fail("bad \\u escape")
  end

  defp number(text) do
    case Regex.run(~r/\A-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/, text) do
      [num] -> {String.to_integer(num), after_prefix(text, num)}
      [num | _] -> {float(num), after_prefix(text, num)}
      nil -> fail("bad number")
    end
  end

  defp float(num) do
    case Float.parse(num) do
      {float, ""} -> float
      _ -> fail("number out of range")
    end
  end

  defp after_prefix(text, prefix),
    do: binary_part(text, byte_size(prefix), byte_size(text) - byte_size(prefix))
end

defmodule Interop.Check do
  def sign(secret, message) do
    :crypto.mac(:hmac, :sha256, secret, message) |> Base.encode16(case: :lower)
  end

  def message(c), do: "#{c["email"]}|#{c["timestamp"]}|#{c["org_id"]}|#{c["nonce"]}"

  def query_has?(url, pair) do
    [before_fragment | _] = String.split(url, "#", parts: 2)

    case String.split(before_fragment, "?", parts: 2) do
      [_, query] -> pair in String.split(query, "&")
      _ -> false
    end
  end

  # Runs `fun` (which returns [{what, ok?}]) on every case under `key` in `file`.
  def run(dir, file, key, fun) do
    cases = dir |> Path.join(file) |> File.read!() |> Interop.JSON.decode!() |> Map.get(key, [])
    for c <- cases, {what, ok} <- fun.(c), do: {ok, file, c["name"], what}
  rescue
    e -> [{false, file, "(file)", "cannot read: " <> Exception.message(e)}]
  end
end

alias Interop.Check

dir =
  case System.argv() do
    [dir] ->
      dir

    _ ->
      IO.puts(:stderr, "usage: check.exs <vectors-dir>")
      System.halt(2)
  end

results =
  Check.run(dir, "identifier.json", "sign", fn c ->
    [{"hash", Check.sign(c["secret"], c["identifier"]) == c["hash"]}]
  end) ++
    Check.run(dir, "identity.json", "sign", fn c ->
      message = Check.message(c)

      [
        {"message", message == c["message"]},
        {"user_hash", Check.sign(c["secret"], message) == c["user_hash"]}
      ]
    end) ++
    Check.run(dir, "widget_url.json", "cases", fn c ->
      user_hash = Check.sign(c["secret"], Check.message(c))

      [
        {"user_hash", user_hash == c["user_hash"]},
        {"url has user_hash", Check.query_has?(c["url"], "user_hash=" <> user_hash)}
      ]
    end)

for {false, file, name, what} <- results, do: IO.puts("FAIL #{file}: #{name}: #{what}")
passed = Enum.count(results, &elem(&1, 0))
failed = length(results) - passed
IO.puts("interop-elixir: #{passed} passed, #{failed} failed")
System.halt(if failed == 0 and passed > 0, do: 0, else: 1)
