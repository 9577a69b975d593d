package dev.pilotlight.gateway.pii;

/** Kinds of personal data the gateway keeps from providers and logs. */
public enum PiiKind { EMAIL, PHONE, SSN, CARD, IBAN, IP }
