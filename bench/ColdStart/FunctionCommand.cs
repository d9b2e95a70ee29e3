using System.Text;

namespace CleanCqrs.Bench.ColdStart;

/// <summary>A labelled way to start the function, e.g. <c>aot</c> = <c>./LambdaHost</c>, <c>jit</c> = <c>dotnet LambdaHost.dll</c>.</summary>
internal sealed record FunctionCommand(string Label, string FileName, IReadOnlyList<string> Arguments)
{
    public string Display => string.Join(' ', Arguments.Prepend(FileName).Select(Readable));

    /// <summary>Paths below the current directory are shown relative to it, so a report does not carry one machine's layout.</summary>
    private static string Readable(string word)
    {
        if (Path.IsPathRooted(word) && Path.GetRelativePath(Environment.CurrentDirectory, word) is var relative
            && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
        {
            word = relative;
        }

        return word.Contains(' ', StringComparison.Ordinal) ? $"\"{word}\"" : word;
    }

    /// <summary>Splits a command line on spaces; double or single quotes group words, as in a shell.</summary>
    public static FunctionCommand Parse(string label, string commandLine)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in commandLine)
        {
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new UsageException($"unbalanced quote in the {label} command: {commandLine}");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        if (words.Count == 0)
        {
            throw new UsageException($"the {label} command is empty");
        }

        var fileName = words[0];
        if (fileName.Contains('/', StringComparison.Ordinal) && !File.Exists(fileName))
        {
            throw new FileNotFoundException($"the {label} command's program does not exist: {fileName} (build or publish the service first)");
        }

        foreach (var argument in words.Skip(1).Where(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !File.Exists(a)))
        {
            throw new FileNotFoundException($"the {label} command names a missing assembly: {argument} (build the service first)");
        }

        // The function runs in its own data directory, so relative paths are fixed against the harness's.
        return new FunctionCommand(
            label,
            fileName.Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(fileName) : fileName,
            words.Skip(1).Select(a => File.Exists(a) ? Path.GetFullPath(a) : a).ToArray());
    }
}
