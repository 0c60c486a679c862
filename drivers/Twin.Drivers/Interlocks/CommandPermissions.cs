namespace Twin.Drivers.Interlocks;

/// <summary>
/// Which roles may send which command verbs to a driver. Second line of defence behind the broker's ACL
/// (which authenticates who may publish on <c>cmd/#</c> at all).
/// </summary>
public sealed class CommandPermissions
{
    /// <summary>Verb: end the running step.</summary>
    public const string EndStep = "end-step";
    /// <summary>Verb: stop the run, output off.</summary>
    public const string Abort = "abort";
    /// <summary>Verb: change the safe voltage cut-off (value in V, within the hard window).</summary>
    public const string SetSafeCutoff = "set-safe-cutoff";

    private readonly Dictionary<string, HashSet<string>> _roles;

    /// <summary>Every verb a driver understands.</summary>
    public static IReadOnlyList<string> Verbs { get; } = [EndStep, Abort, SetSafeCutoff];

    /// <summary>Default permissions: <c>end-step</c> for operator and twin, <c>abort</c> and <c>set-safe-cutoff</c> for operator only.</summary>
    public static CommandPermissions Default { get; } = new(new Dictionary<string, IReadOnlyCollection<string>>
    {
        [EndStep] = ["operator", "twin"],
        [Abort] = ["operator"],
        [SetSafeCutoff] = ["operator"],
    });

    /// <summary>Creates permissions from a verb → roles map.</summary>
    /// <param name="rolesByVerb">Allowed roles per verb; verbs must be known ones.</param>
    /// <exception cref="ArgumentException">An unknown verb.</exception>
    public CommandPermissions(IReadOnlyDictionary<string, IReadOnlyCollection<string>> rolesByVerb)
    {
        _roles = new(StringComparer.Ordinal);
        foreach (var (verb, roles) in rolesByVerb)
        {
            if (!Verbs.Contains(verb)) throw new ArgumentException($"unknown command verb '{verb}'; known: {string.Join(", ", Verbs)}");
            _roles[verb] = new HashSet<string>(roles, StringComparer.Ordinal);
        }
    }

    /// <summary>Checks that <paramref name="role"/> may send <paramref name="verb"/>.</summary>
    /// <exception cref="InterlockException">Unknown verb, or the role is not allowed; the message says which roles are.</exception>
    public void Check(string verb, string role)
    {
        if (!Verbs.Contains(verb)) throw new InterlockException($"unknown command '{verb}'; known: {string.Join(", ", Verbs)}");
        if (!_roles.TryGetValue(verb, out var allowed) || !allowed.Contains(role))
            throw new InterlockException($"role '{role}' may not send '{verb}'; allowed: {(allowed is null || allowed.Count == 0 ? "nobody" : string.Join(", ", allowed))}");
    }
}
