namespace CleanCqrs.Application.Common.Metrics;

/// <summary>The service's metrics; docs/operations.md says what each means and when to worry.</summary>
public static class MetricNames
{
    /// <summary>Commands handled, by <c>Command</c> and <c>Outcome</c>.</summary>
    public const string Commands = "Commands";

    /// <summary>Time through the pipeline per command, by <c>Command</c> and <c>Outcome</c>.</summary>
    public const string CommandDuration = "CommandDuration";

    /// <summary>One event store load (the latest commit's snapshot).</summary>
    public const string StoreLoadLatency = "StoreLoadLatency";

    /// <summary>One conditional append, whether it won or lost the race.</summary>
    public const string StoreAppendLatency = "StoreAppendLatency";

    /// <summary>One commit published to the broker.</summary>
    public const string PublishLatency = "PublishLatency";

    /// <summary>Commits whose publication failed and stay pending for the sweeper.</summary>
    public const string PublishFailures = "PublishFailures";

    /// <summary>Pending commits the sweeper published in one run.</summary>
    public const string CommitsSwept = "CommitsSwept";

    /// <summary>From an event's <c>occurredAt</c> to its projection into the read model.</summary>
    public const string ProjectionLag = "ProjectionLag";

    /// <summary>Records of one SQS batch handed back to the queue.</summary>
    public const string BatchItemFailures = "BatchItemFailures";

    /// <summary>A global delivery budget refused an OTP request, by <c>Budget</c> (<c>sms</c>, <c>email</c>).</summary>
    public const string OtpBudgetExhausted = "OtpBudgetExhausted";

    /// <summary>Process start-up in Lambda mode, up to the first request for an invocation.</summary>
    public const string ColdStartInitDuration = "ColdStartInitDuration";
}
