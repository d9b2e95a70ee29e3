using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.LambdaHost.Operator;

/// <summary>
/// An operator command line: <c>events STREAM</c>, <c>streams</c> or <c>dead-letters [--requeue]</c>,
/// with the host's own options (<c>--data-dir</c>, <c>--urls</c>) anywhere around it, which
/// <see cref="HostOptions"/> still parses.
/// </summary>
public sealed record OperatorInvocation(string Command, string? StreamId, bool Requeue, IReadOnlyList<string> HostArguments)
{
    public const string Events = "events";
    public const string Streams = "streams";
    public const string DeadLetters = "dead-letters";

    public const string Usage =
        "Operator commands (same options and environment as local mode):\n" +
        "  events STREAM             print a stream's events, oldest first, one JSON envelope per line\n" +
        "  streams                   print every stream id in the event store\n" +
        "  dead-letters [--requeue]  print the dead-lettered messages (in-process broker, or the SQS DLQ at\n" +
        "                            DEAD_LETTER_QUEUE_URL with CLEANCQRS_BROKER=sns); --requeue puts them back";

    private static readonly string[] Commands = [Events, Streams, DeadLetters];

    /// <summary>The operator command in <paramref name="args"/>, or null when it holds none (local mode, provision, ...).</summary>
    public static OperatorInvocation? Find(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--urls" or "--data-dir")
            {
                i++;
                continue;
            }

            if (args[i].StartsWith('-'))
            {
                continue;
            }

            return Commands.Contains(args[i]) ? Parse(args, i) : null;
        }

        return null;
    }

    private static OperatorInvocation Parse(IReadOnlyList<string> args, int at)
    {
        var command = args[at];
        var host = new List<string>();
        string? streamId = null;
        var requeue = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (i == at)
            {
                continue;
            }

            if (arg is "--urls" or "--data-dir")
            {
                host.Add(arg);
                if (i + 1 < args.Count)
                {
                    host.Add(args[++i]);
                }

                continue;
            }

            if (arg == "--requeue" && command == DeadLetters)
            {
                requeue = true;
            }
            else if (i > at && command == Events && streamId is null && !arg.StartsWith('-'))
            {
                streamId = arg;
            }
            else
            {
                host.Add(arg);
            }
        }

        if (command == Events && string.IsNullOrWhiteSpace(streamId))
        {
            throw new SettingsException(Events, "needs the id of a stream, such as `events org-<id>` (see `streams`)");
        }

        return new OperatorInvocation(command, streamId, requeue, host);
    }
}
