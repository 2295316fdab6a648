using System.Text;
using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>
/// Random abuse of valid request bodies: bytes flipped or dropped, the body cut short, top-level fields (or any value
/// nested in the body) replaced by values of other types, removed or added. Sent eight at a time; every 5xx is reported.
/// </summary>
public sealed class RequestFuzz(IReadOnlyList<(string Path, string Body)> seeds, IReadOnlyList<string> extraFields, IReadOnlyList<JsonNode?> values)
{
    public (string Path, byte[] Body) Mutate(Random random, int i)
    {
        var (path, seed) = seeds[i % seeds.Count];
        if (random.Next(10) == 0) path = random.Next(2) == 0 ? "tokenize" : "detokenize";
        var bytes = Encoding.UTF8.GetBytes(seed);
        var node = JsonNode.Parse(seed)!.AsObject();
        switch (random.Next(5))
        {
            case 0:   // flip or drop bytes
                var list = bytes.ToList();
                for (int k = random.Next(1, 4); k > 0 && list.Count > 0; k--)
                {
                    int at = random.Next(list.Count);
                    if (random.Next(2) == 0) list[at] = (byte)random.Next(256); else list.RemoveAt(at);
                }
                return (path, list.ToArray());
            case 1:   // truncate
                return (path, bytes[..random.Next(bytes.Length)]);
            case 2:   // a value anywhere in the body replaced or removed
                var places = Places(node).ToList();
                for (int k = random.Next(1, 3); k > 0 && places.Count > 0; k--)
                {
                    var (parent, key) = places[random.Next(places.Count)];
                    if (random.Next(4) == 0 && parent is JsonObject o) o.Remove((string)key);
                    else if (parent is JsonObject obj) obj[(string)key] = Value(random);
                    else if ((int)key < parent.AsArray().Count) parent.AsArray()[(int)key] = Value(random);
                }
                break;
            default:  // replace, delete or add top-level fields with values of random types
                var names = node.Select(p => p.Key).Concat(extraFields).ToList();
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    var name = names[random.Next(names.Count)];
                    if (random.Next(4) == 0) node.Remove(name);
                    else node[name] = Value(random);
                }
                break;
        }
        // Keep valid runs short (a chat without max_tokens would fill the whole context).
        if (!path.Contains("embeddings", StringComparison.Ordinal) &&
            (node["max_tokens"] is null || (node["max_tokens"] is JsonValue v && v.TryGetValue(out double m) && m > 64))) node["max_tokens"] = 64;
        return (path, Encoding.UTF8.GetBytes(node.ToJsonString()));
    }

    /// <summary>Sends <paramref name="count"/> mutated requests; returns a line per 5xx answer.</summary>
    public async Task<List<string>> ServerErrorsAsync(Uri server, int count, int seed)
    {
        var random = new Random(seed);
        var failures = new List<string>();
        var requests = Enumerable.Range(0, count).Select(i => Mutate(random, i)).ToList();
        using var gate = new SemaphoreSlim(8);
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(3) };   // a loaded CI machine is slow
        await Task.WhenAll(requests.Select(async r =>
        {
            await gate.WaitAsync();
            try
            {
                using var content = new ByteArrayContent(r.Body);
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync(r.Path, content);
                var text = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode >= 500)
                    lock (failures) failures.Add($"{(int)response.StatusCode} {r.Path} {Encoding.UTF8.GetString(r.Body)} -> {text}");
            }
            finally
            {
                gate.Release();
            }
        }));
        return failures;
    }

    private JsonNode? Value(Random random) => values[random.Next(values.Count)]?.DeepClone();

    /// <summary>Every (container, key or index) in the tree below <paramref name="node"/>.</summary>
    private static IEnumerable<(JsonNode Parent, object Key)> Places(JsonNode node)
    {
        if (node is JsonObject obj)
            foreach (var (key, child) in obj.ToList())
            {
                yield return (obj, key);
                if (child is not null) foreach (var place in Places(child)) yield return place;
            }
        else if (node is JsonArray array)
            for (int i = 0; i < array.Count; i++)
            {
                yield return (array, i);
                if (array[i] is { } child) foreach (var place in Places(child)) yield return place;
            }
    }
}
