using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.LambdaHost;

/// <summary>What the command line asks for, outside Lambda.</summary>
public enum HostCommand
{
    Serve,
    RebuildProjections,
    Provision,
    Help,
}

/// <summary><c>[--urls URL] [--data-dir DIR] [rebuild-projections | provision]</c>, parsed.</summary>
public sealed record HostOptions(HostCommand Command, Uri Url, string? DataDirectory)
{
    /// <summary>Where local mode listens unless <c>--urls</c> says otherwise.</summary>
    public static readonly Uri DefaultUrl = new("http://127.0.0.1:5080");

    public const string Usage =
        """
        Usage: LambdaHost [--urls URL] [--data-dir DIR] [rebuild-projections | provision]

          (no command)          local mode: the HTTP API, the in-process broker and the outbox sweeper
          rebuild-projections   replay the event store into fresh read models, with progress
          provision             create the configured store's DynamoDB tables (idempotent)
          --urls URL            where local mode listens (default http://127.0.0.1:5080; an IP address or localhost)
          --data-dir DIR        data directory: SQLite files, key files, dev mailbox (default ./.data, or CLEANCQRS_DATA_DIR)
          -h, --help            this text

        Environment (read once at start; a malformed value stops the start naming it):
          CLEANCQRS_STORE       sqlite (default) | dynamodb
          CLEANCQRS_BROKER      inproc (default) | sns
          CLEANCQRS_SECURITY    local (default, key files in the data directory) | kms
          CLEANCQRS_DELIVERY    mailbox (default, DIR/outbox.jsonl) | aws (SMS via SNS, e-mail via SMTP)
          CLEANCQRS_DATA_DIR    data directory (--data-dir wins)
          TOKEN_ISSUER          iss of issued tokens (default cleancqrs)
          TOKEN_LIFETIME        token lifetime, seconds or hh:mm:ss (default 86400)
          OTP_TTL               OTP validity, seconds or hh:mm:ss (default 300)
          MAX_RECEIVE_COUNT     deliveries before a message goes to the dead-letter queue (default 5)
          CORS_ALLOWED_ORIGINS  browser origins allowed to call the API, comma-separated, or * (default: none)
          OTP_ADDRESS_LIMIT_PER_HOUR
                                accepted POST /otp per source address per rolling hour (default 60)
          SMS_BUDGET_PER_HOUR, EMAIL_BUDGET_PER_HOUR
                                OTPs the whole deployment may send per rolling hour (default 500, 2000)
          OTP_COUNTRIES         regions SMS may go to, comma-separated (default the 14 of the SPEC)
          EVENTS_TABLE, READ_MODELS_TABLE, GUARDS_TABLE
                                DynamoDB tables (default cleancqrs-events, cleancqrs-read-models, cleancqrs-guards)
          OUTBOX_SHARDS         partitions of the DynamoDB outbox index, 1-64 (default 16)
          EVENTS_TOPIC_ARN      SNS FIFO topic (with CLEANCQRS_BROKER=sns or CLEANCQRS_DELIVERY=aws)
          JWT_KMS_KEY_ID, OTP_KMS_KEY_ID
                                KMS keys (with CLEANCQRS_SECURITY=kms)
          SMTP_HOST, SMTP_PORT, SMTP_SECURITY, SMTP_USERNAME, SMTP_FROM
                                OTP e-mail (with CLEANCQRS_DELIVERY=aws)
          SMTP_PASSWORD_PARAMETER
                                SSM SecureString holding the SMTP password, read once at start (AWS)
          SMTP_PASSWORD         the SMTP password itself, for a local relay only
          METRICS_NAMESPACE, SERVICE_NAME
                                CloudWatch namespace and service name of metrics and logs (default CleanCqrs, the function name)
          AWS_LAMBDA_LOG_LEVEL, LOG_LEVEL
                                lowest level logged, TRACE..FATAL (default INFO; LOG_LEVEL in local mode)
          DEAD_LETTER_QUEUE_URL the SQS dead-letter queue, for dead-letters with CLEANCQRS_BROKER=sns
          AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL_KMS,
          AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL
                                AWS SDK region and endpoint overrides (local servers)
          AWS_LAMBDA_RUNTIME_API
                                set by Lambda: the binary is the custom runtime's bootstrap, not this command line
        """;

    /// <summary>Throws <see cref="SettingsException"/> naming the bad argument.</summary>
    public static HostOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = HostCommand.Serve;
        var commandSeen = false;
        Uri? url = null;
        string? dataDirectory = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, inline) = arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0
                ? (arg[..eq], arg[(eq + 1)..])
                : (arg, null);
            switch (name)
            {
                case "--urls":
                    url = ParseUrl(inline ?? Value(args, ref i, name));
                    break;
                case "--data-dir":
                    dataDirectory = inline ?? Value(args, ref i, name);
                    if (dataDirectory.Length == 0)
                    {
                        throw new SettingsException("--data-dir", "must not be empty");
                    }

                    break;
                case "-h" or "--help" or "help":
                    return new HostOptions(HostCommand.Help, DefaultUrl, null);
                case "rebuild-projections" or "provision" when !commandSeen:
                    command = name == "provision" ? HostCommand.Provision : HostCommand.RebuildProjections;
                    commandSeen = true;
                    break;
                default:
                    throw new SettingsException(arg, "is not an option or command of this program (see --help)");
            }
        }

        return new HostOptions(command, url ?? DefaultUrl, dataDirectory);
    }

    /// <summary>The settings from the environment, with <c>--data-dir</c> winning over <c>CLEANCQRS_DATA_DIR</c>.</summary>
    public ServiceSettings Settings(Func<string, string?>? environment = null)
    {
        var settings = ServiceSettings.FromEnvironment(environment);
        return DataDirectory is null ? settings : settings with { DataDirectory = DataDirectory };
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string name) =>
        i + 1 < args.Count ? args[++i] : throw new SettingsException(name, "needs a value");

    private static Uri ParseUrl(string raw)
    {
        // ASP.NET-style lists ("a;b") are accepted; the local server listens on the first.
        var first = raw.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        if (!Uri.TryCreate(first, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp
            || url.AbsolutePath != "/" || !string.IsNullOrEmpty(url.Query))
        {
            throw new SettingsException("--urls", $"must be an http://host:port address such as {DefaultUrl}, not '{raw}'");
        }

        if (url.Host != "localhost" && !System.Net.IPAddress.TryParse(url.Host.Trim('[', ']'), out _))
        {
            throw new SettingsException("--urls", $"must name an IP address or localhost (such as {DefaultUrl} or http://0.0.0.0:5080), not '{url.Host}'");
        }

        return url;
    }
}
