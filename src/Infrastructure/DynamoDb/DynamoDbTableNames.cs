using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>The names of the DynamoDB tables, from <c>EVENTS_TABLE</c>, <c>READ_MODELS_TABLE</c> and <c>GUARDS_TABLE</c>.</summary>
public sealed record DynamoDbTableNames
{
    public const string EventsSetting = "EVENTS_TABLE";
    public const string ReadModelsSetting = "READ_MODELS_TABLE";
    public const string DefaultEvents = "cleancqrs-events";
    public const string DefaultReadModels = "cleancqrs-read-models";
    public const string GuardsSetting = "GUARDS_TABLE";
    public const string DefaultGuards = "cleancqrs-guards";

    private const string NameRule = "a DynamoDB table name (3 to 255 characters of letters, digits, '_', '-' and '.')";

    /// <param name="guards">The guards table (rate counters, idempotency records, side-effect claims); default <see cref="DefaultGuards"/>.</param>
    public DynamoDbTableNames(string events, string readModels, string guards = DefaultGuards)
    {
        Events = IsValid(events) ? events : throw new ArgumentException(Rule(events), nameof(events));
        ReadModels = IsValid(readModels) ? readModels : throw new ArgumentException(Rule(readModels), nameof(readModels));
        Guards = IsValid(guards) ? guards : throw new ArgumentException(Rule(guards), nameof(guards));
    }

    public static DynamoDbTableNames Default { get; } = new(DefaultEvents, DefaultReadModels);

    public string Events { get; }

    public string ReadModels { get; }

    public string Guards { get; }

    /// <summary>Throws <see cref="SettingsException"/> naming the setting when a name breaks DynamoDB's naming rules.</summary>
    public static DynamoDbTableNames FromEnvironment(Func<string, string?>? read = null)
    {
        var env = new SettingsReader(read);
        return new DynamoDbTableNames(
            env.Text(EventsSetting, DefaultEvents, NameRule, IsValid),
            env.Text(ReadModelsSetting, DefaultReadModels, NameRule, IsValid),
            env.Text(GuardsSetting, DefaultGuards, NameRule, IsValid));
    }

    /// <summary>DynamoDB's rule: 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: >= 3 and <= 255 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private static string Rule(string? name) => $"must be {NameRule}, not '{name}'";
}
