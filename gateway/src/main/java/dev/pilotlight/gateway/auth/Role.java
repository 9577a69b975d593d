package dev.pilotlight.gateway.auth;

public enum Role { USER, ADMIN, SERVICE }
