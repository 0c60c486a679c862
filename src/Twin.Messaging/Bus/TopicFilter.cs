namespace Twin.Messaging.Bus;

/// <summary>
/// Topic-name and topic-filter rules of MQTT 5.0 §4.7: <c>/</c> separates levels, <c>+</c> matches one
/// level, <c>#</c> (last level only) matches the rest including the parent; filters starting with a
/// wildcard do not match topics starting with <c>$</c> (§4.7.2); <c>$share/{group}/{filter}</c> is a
/// shared subscription whose matching uses the inner filter (§4.8.2).
/// </summary>
public static class TopicFilter
{
    /// <summary>Checks a topic name used for publishing.</summary>
    /// <param name="topic">The topic name.</param>
    /// <exception cref="ArgumentException">Empty, contains a wildcard or U+0000, or longer than 65535 UTF-8 bytes.</exception>
    public static void ValidateTopicName(string topic)
    {
        if (string.IsNullOrEmpty(topic)) throw new ArgumentException("topic name must not be empty", nameof(topic));
        if (topic.AsSpan().IndexOfAny('+', '#', '\0') >= 0)
            throw new ArgumentException($"topic name '{topic}' must not contain '+', '#' or U+0000 (MQTT 5.0 §4.7.1)", nameof(topic));
        if (System.Text.Encoding.UTF8.GetByteCount(topic) > 65535) throw new ArgumentException("topic name longer than 65535 bytes", nameof(topic));
    }

    /// <summary>Checks a topic filter used for subscribing (shared subscriptions allowed).</summary>
    /// <param name="filter">The filter.</param>
    /// <exception cref="ArgumentException">Empty, misplaced wildcard, U+0000, or a malformed <c>$share</c> filter.</exception>
    public static void ValidateFilter(string filter)
    {
        if (string.IsNullOrEmpty(filter)) throw new ArgumentException("topic filter must not be empty", nameof(filter));
        if (filter.Contains('\0')) throw new ArgumentException("topic filter must not contain U+0000", nameof(filter));
        string inner = Inner(filter, out string? group);
        if (group is not null && (group.Length == 0 || group.AsSpan().IndexOfAny('+', '#') >= 0 || inner.Length == 0))
            throw new ArgumentException($"shared subscription '{filter}' must be $share/{{group}}/{{filter}} with a group name free of wildcards (MQTT 5.0 §4.8.2)", nameof(filter));
        var levels = inner.Split('/');
        for (int i = 0; i < levels.Length; i++)
        {
            string l = levels[i];
            if (l.Contains('#') && (l != "#" || i != levels.Length - 1))
                throw new ArgumentException($"topic filter '{filter}': '#' must be a whole level and the last one (MQTT 5.0 §4.7.1.2)", nameof(filter));
            if (l.Contains('+') && l != "+")
                throw new ArgumentException($"topic filter '{filter}': '+' must occupy a whole level (MQTT 5.0 §4.7.1.3)", nameof(filter));
        }
    }

    /// <summary>The filter without its <c>$share/{group}/</c> prefix.</summary>
    /// <param name="filter">A filter.</param>
    /// <param name="shareGroup">The share group name, or null when not shared.</param>
    /// <returns>The filter used for matching.</returns>
    public static string Inner(string filter, out string? shareGroup)
    {
        shareGroup = null;
        if (!filter.StartsWith("$share/", StringComparison.Ordinal)) return filter;
        int slash = filter.IndexOf('/', 7);
        if (slash < 0)
        {
            shareGroup = "";
            return "";
        }
        shareGroup = filter[7..slash];
        return filter[(slash + 1)..];
    }

    /// <summary>Whether <paramref name="topic"/> matches <paramref name="filter"/>.</summary>
    /// <param name="filter">A valid filter (shared filters match on their inner filter).</param>
    /// <param name="topic">A topic name.</param>
    /// <returns>True on a match.</returns>
    public static bool Matches(string filter, string topic)
    {
        var f = Inner(filter, out _).AsSpan();
        var t = topic.AsSpan();
        if (t.Length > 0 && t[0] == '$' && f.Length > 0 && (f[0] == '+' || f[0] == '#')) return false;
        while (true)
        {
            int fi = f.IndexOf('/');
            var fl = fi < 0 ? f : f[..fi];
            if (fl.Length == 1 && fl[0] == '#') return true;
            int ti = t.IndexOf('/');
            var tl = ti < 0 ? t : t[..ti];
            if (!(fl.Length == 1 && fl[0] == '+') && !fl.SequenceEqual(tl)) return false;
            if (fi < 0) return ti < 0;
            f = f[(fi + 1)..];
            if (ti < 0) return f.Length == 1 && f[0] == '#';
            t = t[(ti + 1)..];
        }
    }
}
