package io.labforge.common.lab.registry;

/** A registry ({@code host:port}) and the CA certificate (PEM) its TLS certificate is signed by. */
public record RegistryCa(String registry, String caPem) {
}
