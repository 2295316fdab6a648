using System.Text.Json;
using Engine.StructuredOutput.Automata;
using Engine.StructuredOutput.Regex;

namespace Engine.StructuredOutput.Json;

/// <summary>
/// Turns a JSON schema into an expression of the JSON texts valid under it. Objects are written with their
/// properties in schema order (optional ones may be left out); properties not listed are written only when
/// additionalProperties says so (true or a schema; when it is absent, only for objects that list no properties).
/// Arrays items left unconstrained by items/prefixItems accept any value. A $ref is expanded in place unless it refers
/// to a definition being expanded already: then it becomes a call of that definition's own rule (recursion).
/// Errors name the JSON pointer of the schema part at fault.
/// </summary>
internal sealed class JsonSchemaLowering
{
    private readonly JsonElement _root;
    private readonly RuleSet _rules;
    private readonly HashSet<string> _expanding = [];
    private readonly Dictionary<string, int> _refRules = [];
    private readonly Queue<(string Pointer, int Rule)> _pending = new();

    private JsonSchemaLowering(JsonElement root, RuleSet rules)
    {
        _root = root;
        _rules = rules;
    }

    /// <summary>The JSON texts valid under <paramref name="schema"/>; rules for recursive definitions go into <paramref name="rules"/>.</summary>
    public static Expr Lower(JsonElement schema, RuleSet rules)
    {
        var lowering = new JsonSchemaLowering(schema, rules);
        var value = lowering.Value(schema, "#");
        if (value.IsNothing) throw new GrammarException("No JSON value is valid under the schema.");
        while (lowering._pending.TryDequeue(out var definition))
        {
            lowering._expanding.Add(definition.Pointer);
            rules.Define(definition.Rule, lowering.Value(lowering.Resolve(definition.Pointer, definition.Pointer), definition.Pointer));
            lowering._expanding.Remove(definition.Pointer);
        }
        return value;
    }

    private Expr Value(JsonElement schema, string path)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.True: return Expr.Call(_rules.AnyJsonValue);
            case JsonValueKind.False: return Expr.Nothing;
            case JsonValueKind.Object: break;
            default: throw Error(path, "a schema must be an object or a boolean");
        }
        CheckKeywords(schema, path);
        if (schema.TryGetProperty("$ref", out var reference)) return Ref(schema, reference, path);
        if (schema.TryGetProperty("allOf", out _)) return Value(SchemaMerge.MergeAllOf(schema, p => Resolve(p, path), path), path);
        if (Has(schema, "anyOf") || Has(schema, "oneOf")) return Branches(schema, path);
        if (Has(schema, "enum") || Has(schema, "const")) return Literals(schema, path);
        if (Types(schema, path) is not { } types) return Expr.Call(_rules.AnyJsonValue);
        return Expr.Alt(types.Select(type => Typed(type, schema, path)));
    }

    private static void CheckKeywords(JsonElement schema, string path)
    {
        foreach (var property in schema.EnumerateObject())
        {
            if (!SchemaKeywords.Supported.Contains(property.Name) && !SchemaKeywords.Inert.Contains(property.Name))
                throw Error(path, $"the keyword '{property.Name}' is not supported{SchemaKeywords.Hint(property.Name)}");
            if (property.Name == "$id" && path != "#") throw Error(path, "'$id' is only supported at the root");
        }
    }

    private Expr Ref(JsonElement schema, JsonElement reference, string path)
    {
        var siblings = Constraining(schema).Where(n => n != "$ref").ToList();
        if (siblings.Count > 0) throw Error(path, $"'$ref' next to '{siblings[0]}' is not supported (wrap them in allOf)");
        if (reference.ValueKind != JsonValueKind.String) throw Error(path, "'$ref' must be a string");
        string pointer = reference.GetString()!;
        var target = Resolve(pointer, path);
        if (_expanding.Contains(pointer)) return Expr.Call(RuleFor(pointer));
        _expanding.Add(pointer);
        var value = Value(target, pointer);
        _expanding.Remove(pointer);
        return value;
    }

    private int RuleFor(string pointer)
    {
        if (_refRules.TryGetValue(pointer, out int rule)) return rule;
        _refRules[pointer] = rule = _rules.Reserve();
        _pending.Enqueue((pointer, rule));
        return rule;
    }

    /// <summary>Finds a "#/..." reference in this schema document (JSON pointer, percent-decoded).</summary>
    private JsonElement Resolve(string pointer, string path)
    {
        if (!pointer.StartsWith('#')) throw Error(path, $"'$ref' '{pointer}': only references inside the schema ('#/...') are supported");
        var node = _root;
        string fragment = Uri.UnescapeDataString(pointer[1..]);
        if (fragment.Length == 0) return node;
        if (!fragment.StartsWith('/')) throw Error(path, $"'$ref' '{pointer}': anchors are not supported, use a JSON pointer ('#/$defs/name')");
        foreach (var token in fragment[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")))
        {
            bool found = node.ValueKind switch
            {
                JsonValueKind.Object => node.TryGetProperty(token, out node),
                JsonValueKind.Array => int.TryParse(token, out int index) && index >= 0 && index < node.GetArrayLength() && (node = node[index]).ValueKind != JsonValueKind.Undefined,
                _ => false,
            };
            if (!found) throw Error(path, $"'$ref' '{pointer}' points to nothing in the schema");
        }
        return node;
    }

    private Expr Branches(JsonElement schema, string path)
    {
        if (Has(schema, "anyOf") && Has(schema, "oneOf")) throw Error(path, "'anyOf' and 'oneOf' together are not supported");
        string keyword = Has(schema, "anyOf") ? "anyOf" : "oneOf";
        var list = schema.GetProperty(keyword);
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0) throw Error(path, $"'{keyword}' must be a non-empty list of schemas");
        var siblings = Constraining(schema).Where(n => n != keyword).ToList();
        var branches = list.EnumerateArray().Select((branch, i) => siblings.Count == 0
            ? branch
            : SchemaMerge.Merge([Only(schema, siblings), branch], p => Resolve(p, path), $"{path}/{keyword}/{i}")).ToList();
        if (keyword == "oneOf")
            for (int i = 0; i < branches.Count; i++)
                for (int j = i + 1; j < branches.Count; j++)
                    if (!Disjoint(Describe(branches[i], path), Describe(branches[j], path)))
                        throw Error(path, $"'oneOf' branches {i} and {j} may both match one value, which oneOf forbids; only branches of different types or with different const/enum values (also on a required property) are supported: use 'anyOf' if either may match");
        return Expr.Alt(branches.Select((branch, i) => Value(branch, $"{path}/{keyword}/{i}")));
    }

    private Expr Literals(JsonElement schema, string path)
    {
        var other = Constraining(schema).FirstOrDefault(n => n is not ("enum" or "const" or "type"));
        if (other is not null) throw Error(path, $"'enum'/'const' together with '{other}' is not supported");
        var values = LiteralValues(schema, path)!;
        var types = Has(schema, "type") ? Types(schema, path) : null;
        var allowed = values.Where(v => types is null || types.Any(t => IsOfType(v, t))).Select(v => Expr.Text(JsonSyntax.Text(v)));
        return Expr.Alt(allowed);
    }

    /// <summary>The values enum and const allow (both: those in both), or null when the schema has neither.</summary>
    private static List<JsonElement>? LiteralValues(JsonElement schema, string path)
    {
        List<JsonElement>? values = null;
        if (schema.TryGetProperty("enum", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0) throw Error(path, "'enum' must be a non-empty list");
            values = [.. list.EnumerateArray()];
        }
        if (schema.TryGetProperty("const", out var constant))
            values = values is null ? [constant] : [.. values.Where(v => JsonElement.DeepEquals(v, constant))];
        return values;
    }

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "null" => value.ValueKind == JsonValueKind.Null,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        _ => value.ValueKind == JsonValueKind.Number && DecimalBound.Parse(value, false) is { Fraction.Length: 0 },
    };

    /// <summary>The types a schema allows ("type", or inferred from its keywords); null when it allows any value.</summary>
    private static List<string>? Types(JsonElement schema, string path)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            var names = type.ValueKind switch
            {
                JsonValueKind.String => [type.GetString()!],
                JsonValueKind.Array when type.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String) => type.EnumerateArray().Select(t => t.GetString()!).ToList(),
                _ => throw Error(path, "'type' must be a type name or a list of them"),
            };
            if (names.Count == 0) throw Error(path, "'type' must name at least one type");
            if (names.FirstOrDefault(n => !SchemaKeywords.Types.Contains(n)) is { } unknown)
                throw Error(path, $"unknown type '{unknown}' (types are {string.Join(", ", SchemaKeywords.Types)})");
            if (names.Contains("number")) names.Remove("integer");
            return [.. names.Distinct()];
        }
        var keywords = Constraining(schema).ToHashSet();
        var inferred = new List<string>();
        if (keywords.Overlaps(SchemaKeywords.ObjectKeywords)) inferred.Add("object");
        if (keywords.Overlaps(SchemaKeywords.ArrayKeywords)) inferred.Add("array");
        if (keywords.Overlaps(SchemaKeywords.StringKeywords)) inferred.Add("string");
        if (keywords.Overlaps(SchemaKeywords.NumberKeywords)) inferred.Add("number");
        return inferred.Count == 0 ? null : inferred;
    }

    private Expr Typed(string type, JsonElement schema, string path) => type switch
    {
        "null" => Expr.Text("null"),
        "boolean" => Expr.Alt(Expr.Text("true"), Expr.Text("false")),
        "integer" or "number" => Number(schema, type == "integer", path),
        "string" => String(schema, path),
        "object" => Object(schema, path),
        _ => Array(schema, path),
    };

    private static Expr Number(JsonElement schema, bool integer, string path)
    {
        DecimalBound? Bound(string keyword, bool exclusive)
        {
            if (!schema.TryGetProperty(keyword, out var value)) return null;
            if (value.ValueKind != JsonValueKind.Number)
                throw Error(path, $"'{keyword}' must be a number{(exclusive ? " (draft 4's boolean form is not supported)" : "")}");
            return DecimalBound.Parse(value, exclusive) ?? throw Error(path, $"'{keyword}' is out of range");
        }
        var lower = new[] { Bound("minimum", false), Bound("exclusiveMinimum", true) }.OfType<DecimalBound>().ToList();
        var upper = new[] { Bound("maximum", false), Bound("exclusiveMaximum", true) }.OfType<DecimalBound>().ToList();
        return JsonNumbers.Bounded(integer, lower, upper) ?? Expr.Nothing;
    }

    private static Expr String(JsonElement schema, string path)
    {
        int min = Count(schema, "minLength", path) ?? 0;
        int? max = Count(schema, "maxLength", path);
        var content = JsonStrings.Content(min, max);
        Dfa? dfa = null;
        if (schema.TryGetProperty("pattern", out var pattern))
        {
            if (pattern.ValueKind != JsonValueKind.String) throw Error(path, "'pattern' must be a string");
            dfa = DfaAlgebra.Intersect(Compile(content, path), Compile(Regex(pattern.GetString()!, path), path));
        }
        if (schema.TryGetProperty("format", out var format))
        {
            if (format.ValueKind != JsonValueKind.String) throw Error(path, "'format' must be a string");
            var formatContent = JsonFormats.Content(format.GetString()!)
                ?? throw Error(path, $"the format '{format.GetString()}' is not supported (supported: {string.Join(", ", JsonFormats.Names)})");
            dfa = DfaAlgebra.Intersect(dfa ?? Compile(content, path), Compile(formatContent, path));
        }
        if (dfa is not null) content = dfa.AcceptsSomething() ? new DfaExpr(dfa) : Expr.Nothing;
        return Expr.Seq(Expr.Byte('"'), content, Expr.Byte('"'));
    }

    private static Expr Regex(string pattern, string path)
    {
        try
        {
            return RegexParser.Parse(pattern, JsonStrings.Encode, search: true);
        }
        catch (GrammarException error)
        {
            throw Error(path, "'pattern': " + error.Message);
        }
    }

    private static Dfa Compile(Expr expr, string path)
    {
        try
        {
            return DfaAlgebra.Compile(expr);
        }
        catch (GrammarException error)
        {
            throw Error(path, error.Message);
        }
    }

    private Expr Object(JsonElement schema, string path)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        if (properties.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined)) throw Error(path, "'properties' must be an object");
        var required = Names(schema, "required", path);
        var listed = properties.ValueKind == JsonValueKind.Object ? properties.EnumerateObject().ToList() : [];

        // Absent additionalProperties: free members only for an object that lists no properties.
        Expr? additional = schema.TryGetProperty("additionalProperties", out var extra)
            ? extra.ValueKind == JsonValueKind.False ? null : Value(extra, path + "/additionalProperties")
            : listed.Count == 0 ? Expr.Call(_rules.AnyJsonValue) : null;
        if (additional is { IsNothing: true }) additional = null;

        var members = new List<(Expr Member, bool Required)>();
        foreach (var property in listed)
        {
            var value = Value(property.Value, $"{path}/properties/{Escape(property.Name)}");
            bool isRequired = required.Contains(property.Name);
            if (value.IsNothing)
            {
                if (isRequired) return Expr.Nothing;
                continue;
            }
            members.Add((JsonSyntax.Member(JsonSyntax.Quoted(property.Name), value), isRequired));
        }
        foreach (var name in required.Where(n => listed.All(l => l.Name != n)))
        {
            if (additional is null) return Expr.Nothing;
            members.Add((JsonSyntax.Member(JsonSyntax.Quoted(name), additional), true));
        }
        var extraMember = additional is null ? null : JsonSyntax.Member(ExtraKey([.. listed.Select(l => l.Name), .. required]), additional);
        return JsonSyntax.Bracketed('{', Members(members, extraMember), '}');
    }

    /// <summary>Members in order, separated by commas: the first one present has none before it, so the list is
    /// built from the end, once as "rest after a member" (each with its comma) and once as "the list from here".</summary>
    private static Expr Members(List<(Expr Member, bool Required)> members, Expr? extra)
    {
        var extras = extra is null ? Expr.Empty : Expr.Star(Expr.Seq(JsonSyntax.Comma, extra));
        var tail = extras;   // what may follow a present member
        var body = extra is null ? Expr.Empty : Expr.Optional(Expr.Seq(extra, extras));
        for (int i = members.Count - 1; i >= 0; i--)
        {
            var (member, required) = members[i];
            var withRest = Expr.Seq(member, tail);
            body = required ? withRest : Expr.Alt(withRest, body);
            var withComma = Expr.Seq(JsonSyntax.Comma, member);
            tail = Expr.Seq(required ? withComma : Expr.Optional(withComma), tail);
        }
        return body;
    }

    /// <summary>The key of a member not listed: a string without escapes that is none of the listed names.</summary>
    private static Expr ExtraKey(IReadOnlyCollection<string> names)
    {
        var key = Expr.Seq(Expr.Byte('"'), Expr.Star(Utf8Encoder.Encode(CodePointSet.All.Except(CodePointSet.Of((0, 0x1F), ('"', '"'), ('\\', '\\'))))), Expr.Byte('"'));
        if (names.Count == 0) return key;
        var listed = DfaAlgebra.Compile(Expr.Alt(names.Select(n => Expr.Text("\"" + n + "\""))));
        return new DfaExpr(DfaAlgebra.Intersect(DfaAlgebra.Compile(key), DfaAlgebra.Complement(listed)));
    }

    private Expr Array(JsonElement schema, string path)
    {
        var prefix = new List<Expr>();
        if (schema.TryGetProperty("prefixItems", out var prefixItems))
        {
            if (prefixItems.ValueKind != JsonValueKind.Array) throw Error(path, "'prefixItems' must be a list of schemas");
            prefix.AddRange(prefixItems.EnumerateArray().Select((item, i) => Value(item, $"{path}/prefixItems/{i}")));
        }
        Expr? items = prefixItems.ValueKind == JsonValueKind.Array ? null : Expr.Call(_rules.AnyJsonValue);
        if (schema.TryGetProperty("items", out var itemSchema))
        {
            if (itemSchema.ValueKind == JsonValueKind.Array) throw Error(path, "'items' as a list (draft 4 tuples) is not supported: use 'prefixItems'");
            items = Value(itemSchema, path + "/items");
        }
        if (items is { IsNothing: true }) items = null;
        int min = Count(schema, "minItems", path) ?? 0;
        int? max = Count(schema, "maxItems", path);
        if (items is null) max = Math.Min(max ?? prefix.Count, prefix.Count);
        int firstImpossible = prefix.FindIndex(e => e.IsNothing);
        if (firstImpossible >= 0) max = Math.Min(max ?? firstImpossible, firstImpossible);
        if (min > max) return Expr.Nothing;
        return JsonSyntax.Bracketed('[', Items(prefix, items, min, max), ']');
    }

    /// <summary>Between <paramref name="min"/> and <paramref name="max"/> comma-separated items, the first ones from
    /// <paramref name="prefix"/>, the rest <paramref name="items"/>.</summary>
    private static Expr Items(List<Expr> prefix, Expr? items, int min, int? max)
    {
        Expr Element(int i) => i < prefix.Count ? prefix[i] : items!;
        // After i items: the rest, each with its comma.
        Expr Rest(int i)
        {
            if (i == max) return Expr.Empty;
            if (i >= prefix.Count)
            {
                var next = Expr.Seq(JsonSyntax.Comma, items!);
                int mandatory = Math.Max(0, min - i);
                return Expr.Seq(Expr.Repeat(next, mandatory, mandatory), Expr.Repeat(next, 0, max is int m ? m - i - mandatory : null));
            }
            var withComma = Expr.Seq(JsonSyntax.Comma, Element(i), Rest(i + 1));
            return i < min ? withComma : Expr.Optional(withComma);
        }
        if (max == 0) return Expr.Empty;
        var all = Expr.Seq(Element(0), Rest(1));
        return min == 0 ? Expr.Optional(all) : all;
    }

    private static int? Count(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int count) || count < 0)
            throw Error(path, $"'{keyword}' must be a non-negative integer");
        return count;
    }

    private static HashSet<string> Names(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var list)) return [];
        if (list.ValueKind != JsonValueKind.Array || !list.EnumerateArray().All(n => n.ValueKind == JsonValueKind.String))
            throw Error(path, $"'{keyword}' must be a list of property names");
        return [.. list.EnumerateArray().Select(n => n.GetString()!)];
    }

    /// <summary>What kinds of value a schema allows, and, when it is an enum/const, which values exactly.</summary>
    private sealed record Description(HashSet<string> Kinds, HashSet<string>? Literals, JsonElement Schema);

    private Description Describe(JsonElement schema, string path)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var r) && r.ValueKind == JsonValueKind.String)
            schema = Resolve(r.GetString()!, path);
        HashSet<string> all = ["null", "boolean", "object", "array", "number", "string"];
        if (schema.ValueKind != JsonValueKind.Object) return new(schema.ValueKind == JsonValueKind.False ? [] : all, null, schema);
        if (LiteralValues(schema, path) is { } values)
            return new([.. values.Select(Kind)], [.. values.Select(JsonSyntax.Text)], schema);
        var types = Types(schema, path);
        return new(types is null ? all : [.. types.Select(t => t == "integer" ? "number" : t)], null, schema);
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    /// <summary>Whether no value can match both: different kinds, different literals, or a required property
    /// (a discriminator) with different literals.</summary>
    private bool Disjoint(Description a, Description b)
    {
        if (!a.Kinds.Overlaps(b.Kinds)) return true;
        if (a.Literals is not null && b.Literals is not null) return !a.Literals.Overlaps(b.Literals);
        if (!a.Kinds.SetEquals(["object"]) || !b.Kinds.SetEquals(["object"])) return false;
        foreach (var name in Names(a.Schema, "required", "#").Intersect(Names(b.Schema, "required", "#")))
            if (a.Schema.TryGetProperty("properties", out var pa) && pa.TryGetProperty(name, out var sa)
                && b.Schema.TryGetProperty("properties", out var pb) && pb.TryGetProperty(name, out var sb)
                && Describe(sa, "#") is { Literals: { } la } && Describe(sb, "#") is { Literals: { } lb } && !la.Overlaps(lb))
                return true;
        return false;
    }

    /// <summary>The keywords that constrain values (annotations and definitions left out).</summary>
    private static IEnumerable<string> Constraining(JsonElement schema) =>
        schema.EnumerateObject().Select(p => p.Name).Where(n => !SchemaKeywords.Inert.Contains(n));

    /// <summary>A schema with only the named keywords of <paramref name="schema"/>.</summary>
    private static JsonElement Only(JsonElement schema, IReadOnlyCollection<string> keywords)
    {
        var result = new System.Text.Json.Nodes.JsonObject();
        foreach (var property in schema.EnumerateObject())
            if (keywords.Contains(property.Name)) result[property.Name] = System.Text.Json.Nodes.JsonNode.Parse(property.Value.GetRawText());
        return JsonSerializer.SerializeToElement(result);
    }

    private static bool Has(JsonElement schema, string keyword) => schema.TryGetProperty(keyword, out _);

    private static string Escape(string name) => name.Replace("~", "~0").Replace("/", "~1");

    private static GrammarException Error(string path, string message) => new($"At {path}: {message}.");
}
