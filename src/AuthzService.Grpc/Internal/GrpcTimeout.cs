using System.Globalization;

namespace AuthzService.Grpc.Internal;

/// <summary><c>grpc-timeout</c>: 1 to 8 ASCII digits followed by one unit of H, M, S, m, u, n.</summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (value is null || value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        var digits = value.AsSpan(0, value.Length - 1);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var amount = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        long ticks;
        try
        {
            ticks = value[^1] switch
            {
                'H' => checked(amount * TimeSpan.TicksPerHour),
                'M' => checked(amount * TimeSpan.TicksPerMinute),
                'S' => checked(amount * TimeSpan.TicksPerSecond),
                'm' => checked(amount * TimeSpan.TicksPerMillisecond),
                'u' => checked(amount * TimeSpan.TicksPerMicrosecond),
                // 100 ns per tick: round up so a tiny positive timeout never becomes zero.
                'n' => (amount + 99) / 100,
                _ => -1,
            };
        }
        catch (OverflowException)
        {
            return false;
        }

        if (ticks < 0)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>Formats with the finest unit that fits in 8 digits, rounding up.</summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        var ticks = timeout.Ticks;
        Span<(long Per, char Unit)> units =
        [
            (1, 'n'), // handled below as ticks*100 ns
            (TimeSpan.TicksPerMicrosecond, 'u'),
            (TimeSpan.TicksPerMillisecond, 'm'),
            (TimeSpan.TicksPerSecond, 'S'),
            (TimeSpan.TicksPerMinute, 'M'),
            (TimeSpan.TicksPerHour, 'H'),
        ];

        if (ticks <= MaxValue / 100)
        {
            return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        }

        for (var i = 1; i < units.Length; i++)
        {
            var (per, unit) = units[i];
            var amount = (ticks + per - 1) / per;
            if (amount <= MaxValue)
            {
                return amount.ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }
}
