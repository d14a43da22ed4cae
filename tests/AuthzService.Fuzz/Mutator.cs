namespace AuthzService.Fuzz;

/// <summary>
/// The smoke run's mutator: AFL-style havoc on a corpus entry (bit flips, interesting bytes, deletions, insertions,
/// duplicated ranges, dictionary tokens, splices with another entry), 1 to 4 stacked, from a seeded
/// <see cref="Random"/> so a seed names the exact inputs. Not coverage-guided: <c>make fuzz</c> is.
/// </summary>
internal sealed class Mutator(Random random, IReadOnlyList<byte[]> corpus, IReadOnlyList<byte[]> dictionary)
{
    public const int MaxLength = 64 * 1024;

    private static readonly byte[] s_interesting = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x22, 0x5c, 0x2e, 0x7b, 0x7d];

    public byte[] Next()
    {
        var data = new List<byte>(corpus.Count == 0 ? [] : corpus[random.Next(corpus.Count)]);
        var steps = 1 + random.Next(4);
        for (var i = 0; i < steps; i++)
        {
            Step(data);
        }

        if (data.Count > MaxLength)
        {
            data.RemoveRange(MaxLength, data.Count - MaxLength);
        }

        return [.. data];
    }

    private void Step(List<byte> data)
    {
        switch (random.Next(data.Count == 0 ? 3 : 11))
        {
            case 0:
                data.InsertRange(random.Next(data.Count + 1), RandomBytes(1 + random.Next(8)));
                break;
            case 1 when dictionary.Count > 0:
                data.InsertRange(random.Next(data.Count + 1), dictionary[random.Next(dictionary.Count)]);
                break;
            case 2 when corpus.Count > 0:
                data.AddRange(corpus[random.Next(corpus.Count)]);
                break;
            case 3:
                data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 4:
                data[random.Next(data.Count)] = (byte)random.Next(256);
                break;
            case 5:
                data[random.Next(data.Count)] = s_interesting[random.Next(s_interesting.Length)];
                break;
            case 6:
                {
                    var at = random.Next(data.Count);
                    data.RemoveRange(at, 1 + random.Next(Math.Min(data.Count - at, 16)));
                    break;
                }

            case 7:
                {
                    var at = random.Next(data.Count);
                    var length = 1 + random.Next(Math.Min(data.Count - at, 32));
                    data.InsertRange(random.Next(data.Count + 1), data.GetRange(at, length));
                    break;
                }

            case 8 when dictionary.Count > 0:
                {
                    var token = dictionary[random.Next(dictionary.Count)];
                    var at = random.Next(data.Count);
                    data.RemoveRange(at, Math.Min(token.Length, data.Count - at));
                    data.InsertRange(at, token);
                    break;
                }

            case 9 when corpus.Count > 0:
                {
                    // Splice: a prefix of this input, then a suffix of another.
                    var other = corpus[random.Next(corpus.Count)];
                    var cut = random.Next(data.Count);
                    data.RemoveRange(cut, data.Count - cut);
                    data.AddRange(other.AsSpan(random.Next(other.Length + 1)).ToArray());
                    break;
                }

            default:
                {
                    var at = random.Next(data.Count);
                    data[at] = (byte)(data[at] + random.Next(-3, 4));
                    break;
                }
        }
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
