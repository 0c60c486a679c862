using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Twin.Drivers.Interlocks;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;
using Twin.Messaging.Security;
using Twin.Service.Config;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin command --config experiment.yaml --cell coin-1 --verb abort --reason "…" [--value V] [--mqtt URL]</c>: sends a
/// command to a cell's driver, signed with an operator key of the experiment file's <c>security:</c> section, with an
/// MQTT 5 response topic (<c>twin/v1/{site}/{cell}/reply/{client}</c>) and correlation data, and prints the driver's
/// reply. Exit code 0 when the driver accepted it, 3 when it refused it, 4 without a reply in time, 2 on bad input.
/// </summary>
internal static class OperatorCommand
{
    /// <summary>Exit code when the driver refused the command.</summary>
    public const int Refused = 3;

    /// <summary>Exit code when no reply came in time.</summary>
    public const int NoReply = 4;

    /// <summary>Builds the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Experiment file with the cell and a security: section holding an operator key", Required = true };
        var cellOpt = new Option<string>("--cell") { Description = "Cell id", Required = true };
        var verb = new Option<string>("--verb") { Description = $"One of {string.Join(", ", CommandPermissions.Verbs)}", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the driver's events)" };
        var value = new Option<double?>("--value") { Description = "Argument of the verb (set-safe-cutoff: volts)" };
        var issuer = new Option<string>("--issuer") { Description = "Who sends it, for the record (default: the user name)", DefaultValueFactory = _ => Environment.UserName };
        var keyId = new Option<string?>("--key-id") { Description = "Operator key to sign with (default: the first operator key of the file)" };
        var mqtt = new Option<string>("--mqtt") { Description = "MQTT broker URL (mqtt://user:pass@host:1883)", DefaultValueFactory = _ => "mqtt://127.0.0.1:1883" };
        var clientId = new Option<string?>("--client-id") { Description = "MQTT client id (default twin-cmd-<random>); the reply comes on …/reply/<client id>" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the driver's reply", DefaultValueFactory = _ => 10 };
        var cmd = new Command("command", "Send a signed command (end-step, abort, set-safe-cutoff) to a cell's driver and print its reply")
        {
            config, cellOpt, verb, reason, value, issuer, keyId, mqtt, clientId, timeout,
        };
        cmd.SetAction(async (r, ct) =>
        {
            var file = r.GetValue(config)!;
            if (!file.Exists) return CliErrors.Fail($"{file.FullName}: no such file; expected an experiment file (YAML)");
            string cellId = r.GetValue(cellOpt)!, verbName = r.GetValue(verb)!;
            if (!CommandPermissions.Verbs.Contains(verbName)) return CliErrors.Fail($"--verb '{verbName}': expected one of {string.Join(", ", CommandPermissions.Verbs)}");
            double wait = r.GetValue(timeout);
            if (!(wait > 0 && wait <= 3600)) return CliErrors.Fail($"--timeout {wait}: expected seconds in (0, 3600]");
            string client = r.GetValue(clientId) ?? "twin-cmd-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            if (!TwinTopics.IsId(client)) return CliErrors.Fail($"--client-id '{client}': expected [A-Za-z0-9_-]+");
            MessageSigner signer;
            string site;
            MqttClientOptions broker;
            try
            {
                var cell = ExperimentFile.Load(file.FullName).FirstOrDefault(c => c.Config.CellId == cellId)
                    ?? throw new FormatException($"{file.FullName}: no cell '{cellId}'");
                site = cell.Site;
                var security = SecuritySection.Load(file.FullName);
                if (!security.Enabled)
                    throw new FormatException($"{file.FullName}: no security: keys, so a driver would not verify the command; create an operator key with `twin keygen`");
                string id = r.GetValue(keyId) ?? security.Keys.FirstOrDefault(k => k.Role == SignerRole.Operator)?.Id
                    ?? throw new FormatException($"{file.FullName}: security: no key with role 'operator'");
                var key = security.LoadKey(id);
                if (key.Role != SignerRole.Operator) throw new FormatException($"--key-id '{id}' has role {key.Role.Name()}; commands are signed with an operator key");
                signer = new MessageSigner(key);
                broker = MqttClientOptions.Parse(r.GetValue(mqtt)!) with { ClientId = client };
            }
            catch (Exception e) when (e is FormatException or IOException or ArgumentException)
            {
                return CliErrors.Fail(e.Message);
            }
            byte[] correlation = RandomNumberGenerator.GetBytes(16);
            string replyTopic = TwinTopics.Reply(site, cellId, client);
            var reply = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var bus = new MqttClient(broker);
            try
            {
                var subscribed = bus.SubscribeAsync(replyTopic, QualityOfService.AtLeastOnce, (m, _) =>
                {
                    if (m.CorrelationData.Span.SequenceEqual(correlation))
                        reply.TrySetResult(JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.CommandReply) ?? new CommandReply());
                    return ValueTask.CompletedTask;
                }, ct);
                await bus.ConnectAsync(ct).ConfigureAwait(false);
                await subscribed.ConfigureAwait(false);
                var payload = new CommandPayload { Issuer = r.GetValue(issuer)!, Role = SignerRole.Operator.Name(), Reason = r.GetValue(reason), Value = r.GetValue(value) };
                await bus.PublishAsync(signer.Sign(new BusMessage(TwinTopics.Command(site, cellId, verbName), TwinPayloads.Serialize(payload))
                {
                    ResponseTopic = replyTopic,
                    CorrelationData = correlation,
                }), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MqttException or IOException)
            {
                return CliErrors.Fail($"{broker.Host}:{broker.Port}: {e.Message}");
            }
            CommandReply answer;
            try
            {
                answer = await reply.Task.WaitAsync(TimeSpan.FromSeconds(wait), ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Console.Error.WriteLine($"error: no reply to '{verbName}' within {wait:0.#} s on {replyTopic}: is `twin drive` running for cell '{cellId}' on this broker?");
                return NoReply;
            }
            Console.WriteLine($"{(answer.Accepted ? "accepted" : "refused")}: {answer.Message}");
            return answer.Accepted ? 0 : Refused;
        });
        return cmd;
    }
}
