using System.Globalization;
using Avro;
using Avro.File;
using Avro.Generic;

namespace Serverless.Shop.Infrastructure.Analytics.Clickstream;

/// <summary>One record of a capture file: an event as the hub stored it.</summary>
public sealed record CaptureRecord(
    long SequenceNumber, string Offset, DateTimeOffset EnqueuedTime, IReadOnlyDictionary<string, object> SystemProperties,
    IReadOnlyDictionary<string, object?> Properties, byte[]? Body);

/// <summary>
/// The files Event Hubs Capture writes, as Microsoft documents them: Avro with the record schema
/// <c>Microsoft.ServiceBus.Messaging.EventData</c> (SequenceNumber, Offset, EnqueuedTimeUtc, SystemProperties,
/// Properties, Body), one blob per partition and capture window, named by the default archive name format
/// <c>{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}.avro</c> (UTC, two digits).
/// The local capture writes with it and <see cref="BlobClickstreamArchive"/> reads with it, so what is read locally is
/// what is read in Azure. Tests: ClickstreamArchiveTests.
/// </summary>
public static class EventHubsCaptureFormat
{
    public const string Extension = ".avro";

    public static readonly RecordSchema Schema = (RecordSchema)Avro.Schema.Parse("""
        {
          "type": "record", "name": "EventData", "namespace": "Microsoft.ServiceBus.Messaging",
          "fields": [
            { "name": "SequenceNumber", "type": "long" },
            { "name": "Offset", "type": "string" },
            { "name": "EnqueuedTimeUtc", "type": "string" },
            { "name": "SystemProperties", "type": { "type": "map", "values": [ "long", "double", "string", "bytes" ] } },
            { "name": "Properties", "type": { "type": "map", "values": [ "long", "double", "string", "bytes", "null" ] } },
            { "name": "Body", "type": [ "null", "bytes" ] }
          ]
        }
        """);

    /// <summary>The blob name Capture gives the file of a partition's window starting at <paramref name="windowStart"/>.</summary>
    public static string BlobName(string namespaceName, string eventHub, string partitionId, DateTimeOffset windowStart)
    {
        var t = windowStart.ToUniversalTime();
        return string.Create(CultureInfo.InvariantCulture, $"{namespaceName}/{eventHub}/{partitionId}/{t:yyyy}/{t:MM}/{t:dd}/{t:HH}/{t:mm}/{t:ss}{Extension}");
    }

    /// <summary>The window start in a capture blob's name; null for a blob that is not named as Capture names its files.</summary>
    public static DateTimeOffset? WindowStart(string blobName)
    {
        if (!blobName.EndsWith(Extension, StringComparison.Ordinal)) return null;
        var parts = blobName[..^Extension.Length].Split('/');
        if (parts.Length < 9) return null;
        var stamp = string.Join('/', parts[^6..]);
        return DateTimeOffset.TryParseExact(stamp, "yyyy/MM/dd/HH/mm/ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start) ? start : null;
    }

    /// <summary>Writes the records as one Avro file (deflate, as Capture's files are compressed).</summary>
    public static void Write(Stream output, IEnumerable<CaptureRecord> records)
    {
        using var writer = DataFileWriter<GenericRecord>.OpenWriter(new GenericDatumWriter<GenericRecord>(Schema), output, Codec.CreateCodec(Codec.Type.Deflate), leaveOpen: true);
        foreach (var record in records)
        {
            var avro = new GenericRecord(Schema);
            avro.Add("SequenceNumber", record.SequenceNumber);
            avro.Add("Offset", record.Offset);
            // Capture writes the enqueued time as .NET prints a UTC DateTime in en-US ("12/7/2026 3:04:05 PM").
            avro.Add("EnqueuedTimeUtc", record.EnqueuedTime.UtcDateTime.ToString(CultureInfo.GetCultureInfo("en-US")));
            avro.Add("SystemProperties", record.SystemProperties.ToDictionary(p => p.Key, p => p.Value));
            avro.Add("Properties", record.Properties.ToDictionary(p => p.Key, p => p.Value));
            avro.Add("Body", record.Body);
            writer.Append(avro);
        }
        writer.Flush();
    }

    /// <summary>Reads every record of an Avro capture file.</summary>
    /// <exception cref="AvroException">The stream is not an Avro file, or not one with this schema.</exception>
    public static IReadOnlyList<CaptureRecord> Read(Stream input)
    {
        using var reader = DataFileReader<GenericRecord>.OpenReader(input, Schema);
        var records = new List<CaptureRecord>();
        foreach (var avro in reader.NextEntries)
        {
            var enqueuedText = (string)avro["EnqueuedTimeUtc"];
            var enqueued = DateTime.TryParse(enqueuedText, CultureInfo.GetCultureInfo("en-US"), DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                ? new DateTimeOffset(parsed, TimeSpan.Zero) : default;
            records.Add(new CaptureRecord((long)avro["SequenceNumber"], (string)avro["Offset"], enqueued,
                ((IDictionary<string, object>)avro["SystemProperties"]).ToDictionary(p => p.Key, p => p.Value),
                ((IDictionary<string, object>)avro["Properties"]).ToDictionary(p => p.Key, p => (object?)p.Value),
                avro["Body"] as byte[]));
        }
        return records;
    }
}
