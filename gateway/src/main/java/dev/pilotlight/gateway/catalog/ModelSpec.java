package dev.pilotlight.gateway.catalog;

/** A model alias as clients and routes name it, and what it maps to. */
public record ModelSpec(String alias, String provider, String name, String tier, Price price) {}
