using System;

namespace LayerGen.Generator.Diagnostics;

/// <summary>Describes an exception caught inside the generator for LG0999: its type, message and where it was thrown.</summary>
internal static class InternalError
{
    public static string Describe(Exception e)
    {
        // The first frame in the generator's own code says where to look.
        string where = string.Empty;
        foreach (string frame in e.StackTrace?.Split('\n') ?? Array.Empty<string>())
        {
            if (frame.Contains("LayerGen.Generator"))
            {
                where = frame.Trim();
                break;
            }
        }

        return $"{e.GetType().Name}: {e.Message} {where}".Trim();
    }
}
