using System.Net.Mime;
using System.Runtime.Serialization;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Settlement.Contracts;

namespace Settlement.Orchestration.Saga;

/// <summary>
/// Reads a body published as plain <c>application/json</c> (a <see cref="TradeExecuted"/> without MassTransit's envelope,
/// as a matching engine not written in .NET sends it) on the settlement endpoint, so that it is settled or rejected like an
/// enveloped one. Without it MassTransit reads such a body as an envelope, finds no message type and moves it to
/// <c>settlement_skipped</c>.
/// The body is always a <see cref="TradeExecuted"/>, whatever the headers say: MassTransit's own raw deserializer offers a
/// body without a message type header to every event the saga handles, and a trade's JSON would also be read as an
/// <see cref="AbortSettlement"/> or a wallet answer for that trade. Amounts are read as exactly as in the envelope.
/// </summary>
public sealed class RawTradeExecutedDeserializer : IMessageDeserializer, ISerializerFactory
{
    const RawSerializerOptions Options = RawSerializerOptions.Default;
    static readonly string[] MessageTypes = [MessageUrn.ForTypeString<TradeExecuted>()];

    public ContentType ContentType => SystemTextJsonRawMessageSerializer.JsonContentType;

    public IMessageDeserializer CreateDeserializer() => this;

    /// <summary>Only deserializing is added to the endpoint; should MassTransit ask, raw JSON is written with its own serializer.</summary>
    public IMessageSerializer CreateSerializer() => new SystemTextJsonRawMessageSerializer(Options);

    public void Probe(ProbeContext context)
    {
        var scope = context.CreateScope("json");
        scope.Add("contentType", ContentType.MediaType);
        scope.Add("messageType", MessageTypes[0]);
    }

    public ConsumeContext Deserialize(ReceiveContext receiveContext) =>
        new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
    {
        JsonElement message;
        try
        {
            message = JsonSerializer.Deserialize<JsonElement>(body.GetBytes(), SystemTextJsonMessageSerializer.Options);
        }
        catch (JsonException exception)
        {
            throw new SerializationException("The application/json body is not a JSON value", exception);
        }

        return new SystemTextJsonRawSerializerContext(SystemTextJsonMessageSerializer.Instance, SystemTextJsonMessageSerializer.Options,
            ContentType, new RawMessageContext(headers, destinationAddress, Options), MessageTypes, Options, message);
    }

    public MessageBody GetMessageBody(string text) => new StringMessageBody(text);
}
