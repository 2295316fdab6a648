using System.Globalization;

namespace AdminDashboard.Monitoring;

/// <summary>
/// Reads the Prometheus text exposition format into a <see cref="ScrapeSample"/>: every sample summed over its
/// label sets (one series per metric name), histograms kept as cumulative buckets by upper bound, plus the
/// model_name labels seen.
/// </summary>
public static class PrometheusText
{
    public static ScrapeSample Parse(string text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var buckets = new Dictionary<string, SortedDictionary<double, double>>(StringComparer.Ordinal);
        var models = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (!TryParseLine(line, out var name, out var labels, out var value)) continue;
            if (labels.TryGetValue("model_name", out var model)) models.Add(model);
            if (name.EndsWith("_bucket", StringComparison.Ordinal) && labels.TryGetValue("le", out var le))
            {
                var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                var histogram = name[..^"_bucket".Length];
                if (!buckets.TryGetValue(histogram, out var counts)) buckets[histogram] = counts = new SortedDictionary<double, double>();
                counts[bound] = counts.GetValueOrDefault(bound) + value;
                continue;
            }
            values[name] = values.GetValueOrDefault(name) + value;
        }
        return new ScrapeSample(values, buckets.ToDictionary(
            b => b.Key, b => (IReadOnlyList<Bucket>)b.Value.Select(kv => new Bucket(kv.Key, kv.Value)).ToList()), models.ToList());
    }

    /// <summary>Parses <c>name{a="b",c="d"} value [timestamp]</c>; false for a line in another shape.</summary>
    public static bool TryParseLine(string line, out string name, out Dictionary<string, string> labels, out double value)
    {
        labels = new Dictionary<string, string>(StringComparer.Ordinal);
        value = 0;
        var brace = line.IndexOf('{');
        var space = line.IndexOf(' ');
        string rest;
        if (brace >= 0 && (space < 0 || brace < space))
        {
            name = line[..brace];
            var end = ParseLabels(line, brace + 1, labels);
            if (end < 0) return false;
            rest = line[(end + 1)..].Trim();
        }
        else
        {
            if (space < 0)
            {
                name = line;
                return false;
            }
            name = line[..space];
            rest = line[(space + 1)..].Trim();
        }
        var token = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return token is not null && TryParseValue(token, out value);
    }

    private static bool TryParseValue(string token, out double value)
    {
        switch (token)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary>Reads label pairs from <paramref name="start"/>; returns the index of the closing brace, or -1.</summary>
    private static int ParseLabels(string line, int start, Dictionary<string, string> labels)
    {
        var i = start;
        while (i < line.Length)
        {
            while (i < line.Length && (line[i] == ',' || line[i] == ' ')) i++;
            if (i < line.Length && line[i] == '}') return i;
            var eq = line.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"') return -1;
            var key = line[i..eq].Trim();
            var value = new System.Text.StringBuilder();
            var j = eq + 2;
            for (; j < line.Length && line[j] != '"'; j++)
            {
                if (line[j] == '\\' && j + 1 < line.Length)
                {
                    j++;
                    value.Append(line[j] == 'n' ? '\n' : line[j]);
                }
                else value.Append(line[j]);
            }
            if (j >= line.Length) return -1;
            labels[key] = value.ToString();
            i = j + 1;
        }
        return -1;
    }
}
