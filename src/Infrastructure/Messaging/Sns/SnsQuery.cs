using System.Globalization;
using System.Text;

namespace CleanCqrs.Infrastructure.Messaging.Sns;

/// <summary>Builds AWS Query form bodies (<c>Action</c>, <c>Version</c> and flattened parameters).</summary>
internal sealed class SnsQuery
{
    public const string ApiVersion = "2010-03-31";

    private readonly List<KeyValuePair<string, string>> _fields = [];

    public SnsQuery(string action)
    {
        Action = action;
        Add("Action", action);
        Add("Version", ApiVersion);
    }

    public string Action { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public SnsQuery Add(string name, string? value)
    {
        if (value is not null)
        {
            _fields.Add(new(name, value));
        }

        return this;
    }

    /// <summary>A non-flattened map: <c>{prefix}MessageAttributes.entry.N.Name</c> / <c>.Value.DataType</c> / <c>.Value.StringValue</c>.</summary>
    public SnsQuery AddAttributes(string prefix, IReadOnlyList<SnsMessageAttribute> attributes)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            var entry = string.Create(CultureInfo.InvariantCulture, $"{prefix}MessageAttributes.entry.{i + 1}.");
            Add(entry + "Name", attributes[i].Name);
            Add(entry + "Value.DataType", attributes[i].DataType);
            Add(entry + "Value.StringValue", attributes[i].Value);
        }

        return this;
    }

    public byte[] ToFormBody()
    {
        var body = new StringBuilder();
        foreach (var (name, value) in _fields)
        {
            if (body.Length > 0)
            {
                body.Append('&');
            }

            body.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return Encoding.UTF8.GetBytes(body.ToString());
    }
}
