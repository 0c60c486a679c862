namespace Twin.Messaging.Security;

/// <summary>The keys a process holds, by id. Immutable.</summary>
public sealed class KeyRing
{
    private readonly Dictionary<string, MessageKey> _byId;

    /// <summary>Creates a ring.</summary>
    /// <param name="keys">The keys, in the order they were declared (the first key of a role signs).</param>
    /// <exception cref="ArgumentException">Two keys share an id.</exception>
    public KeyRing(IEnumerable<MessageKey> keys)
    {
        Keys = [.. keys];
        _byId = new Dictionary<string, MessageKey>(StringComparer.Ordinal);
        foreach (var k in Keys)
            if (!_byId.TryAdd(k.Id, k)) throw new ArgumentException($"key id '{k.Id}' appears twice", nameof(keys));
    }

    /// <summary>Every key, in declaration order.</summary>
    public IReadOnlyList<MessageKey> Keys { get; }

    /// <summary>Finds a key by id.</summary>
    /// <param name="id">Key id.</param>
    /// <returns>The key, or null.</returns>
    public MessageKey? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The key a signer of <paramref name="role"/> uses: the first one declared with that role.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The key, or null when the ring has none of that role.</returns>
    public MessageKey? SigningKey(SignerRole role) => Keys.FirstOrDefault(k => k.Role == role);

    /// <summary>Whether the ring holds a key of <paramref name="role"/>.</summary>
    /// <param name="role">The role.</param>
    /// <returns>True when it does.</returns>
    public bool Has(SignerRole role) => Keys.Any(k => k.Role == role);
}
