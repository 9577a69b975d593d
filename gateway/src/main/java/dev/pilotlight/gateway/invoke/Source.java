package dev.pilotlight.gateway.invoke;

/** A retrieved document given to the model as context; answers may cite it by id. */
public record Source(String id, String text) {}
