package dev.pilotlight.gateway.invoke;

import dev.pilotlight.gateway.auth.Principal;
import dev.pilotlight.gateway.openai.ChatBody;
import dev.pilotlight.gateway.provider.ChatTurn;
import dev.pilotlight.gateway.provider.Delta;
import java.util.List;
import java.util.function.Consumer;

/**
 * One call as an endpoint hands it to {@link InvocationService}.
 *
 * @param eventId the invocation's id, chosen by the endpoint so a stream can carry it from its first chunk
 * @param turns the caller's messages (validated); with the route API a single USER turn rendered through
 *              the version's template when {@code templated}
 * @param sources retrieved documents: given to the model in their own message (data, never instructions),
 *                and the only ids an answer may cite
 * @param body the caller's OpenAI request kept whole (chat completions), or null (route API)
 * @param onDelta null for a plain call, else receives the streamed pieces
 */
public record Call(String eventId, Principal caller, Target target, List<ChatTurn> turns, List<Source> sources, boolean templated,
                   Integer maxTokens, Double temperature, ChatBody body, Consumer<Delta> onDelta) {}
