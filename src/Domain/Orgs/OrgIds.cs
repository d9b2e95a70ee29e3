namespace CleanCqrs.Domain.Orgs;

/// <summary>An org's id is its owner's token subject: short printable ASCII.</summary>
public static class OrgIds
{
    public const int MaxLength = 128;

    /// <summary>Whether any org could have this id; one that cannot needs no read to be not found.</summary>
    public static bool IsPlausible(string id)
    {
        if (id.Length is 0 or > MaxLength)
        {
            return false;
        }

        // A span loop: LINQ over a string boxes an enumerator on every request.
        foreach (var c in id)
        {
            if (c is <= ' ' or >= '\u007f')
            {
                return false;
            }
        }

        return true;
    }
}
