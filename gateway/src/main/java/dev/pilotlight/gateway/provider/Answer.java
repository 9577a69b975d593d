package dev.pilotlight.gateway.provider;

import dev.pilotlight.gateway.catalog.ModelSpec;

/**
 * What the chain produced: the result and the model that gave it.
 *
 * @param fallbackUsed a model other than the first asked answered
 * @param degraded no model answered; the text is the route's configured degraded answer
 * @param failure the last failure when degraded (for the event), else null
 */
public record Answer(ChatResult result, ModelSpec model, boolean fallbackUsed, boolean degraded, ProviderFailure failure) {}
