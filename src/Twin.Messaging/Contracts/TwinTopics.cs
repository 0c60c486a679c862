namespace Twin.Messaging.Contracts;

/// <summary>What a topic of the <c>twin/v1/…</c> tree carries (README.md, "Topics and payloads"; QoS, retain, last will,
/// response topic and correlation data as in MQTT Version 5.0, OASIS Standard, 2019).</summary>
public enum TopicKind : byte
{
    /// <summary><c>twin/v1/{site}/{cell}/telemetry</c>: samples from a driver, QoS 1, not retained.</summary>
    Telemetry,
    /// <summary><c>twin/v1/{site}/{cell}/pattern</c>: diffraction pattern records, QoS 1, not retained.</summary>
    Pattern,
    /// <summary><c>twin/v1/{site}/{cell}/state</c>: latest twin state, QoS 1, retained.</summary>
    State,
    /// <summary><c>twin/v1/{site}/{cell}/alarm</c>: alarm state and transitions, QoS 1, retained.</summary>
    Alarm,
    /// <summary><c>twin/v1/{site}/{cell}/cmd/{verb}</c>: a command (MQTT 5 response topic + correlation data).</summary>
    Command,
    /// <summary><c>twin/v1/{site}/status/{client}</c>: online/offline of a client (last will), retained.</summary>
    Status,
    /// <summary><c>twin/v1/{site}/{cell}/event</c>: driver events (steps, watchdog, interlock), QoS 1, not retained.</summary>
    Event,
}

/// <summary>A parsed topic of the <c>twin/v1/…</c> tree.</summary>
/// <param name="Kind">What it carries.</param>
/// <param name="Site">Lab or beamline id.</param>
/// <param name="Cell">Cell id (the client id for <see cref="TopicKind.Status"/>).</param>
/// <param name="Verb">Command verb for <see cref="TopicKind.Command"/>, else null.</param>
public readonly record struct TwinTopic(TopicKind Kind, string Site, string Cell, string? Verb = null);

/// <summary>Builds and parses the topics of README.md, "Topics and payloads". Ids match <c>[A-Za-z0-9_-]+</c>.</summary>
public static class TwinTopics
{
    /// <summary>Root of every topic.</summary>
    public const string Root = "twin/v1";

    /// <summary><c>twin/v1/{site}/{cell}/telemetry</c>.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">An id is not <c>[A-Za-z0-9_-]+</c>.</exception>
    public static string Telemetry(string site, string cell) => CellTopic(site, cell, "telemetry");

    /// <summary><c>twin/v1/{site}/{cell}/pattern</c>.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    public static string Pattern(string site, string cell) => CellTopic(site, cell, "pattern");

    /// <summary><c>twin/v1/{site}/{cell}/state</c>.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    public static string State(string site, string cell) => CellTopic(site, cell, "state");

    /// <summary><c>twin/v1/{site}/{cell}/alarm</c>.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    public static string Alarm(string site, string cell) => CellTopic(site, cell, "alarm");

    /// <summary><c>twin/v1/{site}/{cell}/event</c>.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    public static string Event(string site, string cell) => CellTopic(site, cell, "event");

    /// <summary><c>twin/v1/{site}/{cell}/cmd/{verb}</c>.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <param name="verb">Command verb.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">An id or the verb is invalid.</exception>
    public static string Command(string site, string cell, string verb) => CellTopic(site, cell, "cmd") + "/" + Id(verb, nameof(verb));

    /// <summary>
    /// <c>twin/v1/{site}/{cell}/reply/{client}</c>: the MQTT 5 response topic on which <c>twin command</c> (client id
    /// <paramref name="client"/>) awaits a driver's <see cref="CommandReply"/>; a broker ACL lets each client read only
    /// its own (<c>pattern read twin/v1/+/+/reply/%c</c>).
    /// </summary>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <param name="client">Client id of the command sender.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    public static string Reply(string site, string cell, string client) => CellTopic(site, cell, "reply") + "/" + Id(client, nameof(client));

    /// <summary><c>twin/v1/{site}/status/{client}</c>.</summary>
    /// <param name="site">Site id.</param>
    /// <param name="client">Client id.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    public static string Status(string site, string client) => $"{Root}/{Id(site, nameof(site))}/status/{Id(client, nameof(client))}";

    /// <summary>Filter for one kind of topic of every cell of a site (or of every site when <paramref name="site"/> is null).</summary>
    /// <param name="kind">Telemetry, pattern, state or alarm.</param>
    /// <param name="site">Site id or null for <c>+</c>.</param>
    /// <returns>e.g. <c>twin/v1/+/+/telemetry</c>.</returns>
    /// <exception cref="ArgumentException">Kind is command or status, or the site id is invalid.</exception>
    public static string FilterAllCells(TopicKind kind, string? site = null)
    {
        string s = site is null ? "+" : Id(site, nameof(site));
        return kind switch
        {
            TopicKind.Telemetry => $"{Root}/{s}/+/telemetry",
            TopicKind.Pattern => $"{Root}/{s}/+/pattern",
            TopicKind.State => $"{Root}/{s}/+/state",
            TopicKind.Alarm => $"{Root}/{s}/+/alarm",
            _ => throw new ArgumentException($"no all-cells filter for {kind}", nameof(kind)),
        };
    }

    /// <summary>Parses a topic of the tree.</summary>
    /// <param name="topic">Topic name.</param>
    /// <param name="parsed">The parts when it is one of the tree's topics.</param>
    /// <returns>False for any other topic (wrong root, unknown kind, invalid id).</returns>
    public static bool TryParse(string topic, out TwinTopic parsed)
    {
        parsed = default;
        var p = topic.Split('/');
        if (p.Length < 5 || p[0] != "twin" || p[1] != "v1" || !IsId(p[2]) || !IsId(p[4])) return false;
        if (p[3] == "status" && p.Length == 5)
        {
            parsed = new TwinTopic(TopicKind.Status, p[2], p[4]);
            return true;
        }
        if (!IsId(p[3])) return false;
        TopicKind? kind = (p[4], p.Length) switch
        {
            ("telemetry", 5) => TopicKind.Telemetry,
            ("pattern", 5) => TopicKind.Pattern,
            ("state", 5) => TopicKind.State,
            ("alarm", 5) => TopicKind.Alarm,
            ("event", 5) => TopicKind.Event,
            ("cmd", 6) when IsId(p[5]) => TopicKind.Command,
            _ => null,
        };
        if (kind is null) return false;
        parsed = new TwinTopic(kind.Value, p[2], p[3], kind == TopicKind.Command ? p[5] : null);
        return true;
    }

    /// <summary>True when <paramref name="id"/> matches <c>[A-Za-z0-9_-]+</c>.</summary>
    /// <param name="id">Candidate id.</param>
    /// <returns>Whether it is a valid site, cell, client or verb id.</returns>
    public static bool IsId(string id) => id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static string CellTopic(string site, string cell, string leaf) => $"{Root}/{Id(site, nameof(site))}/{Id(cell, nameof(cell))}/{leaf}";

    private static string Id(string id, string what) =>
        IsId(id) ? id : throw new ArgumentException($"{what} id '{id}' must match [A-Za-z0-9_-]+", what);
}
