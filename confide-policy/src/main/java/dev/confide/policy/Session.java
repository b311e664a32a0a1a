package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/**
 * A validated session: a policy naming services, volumes, images, secrets and who may change it.
 * Absent lists are empty, never null; {@link #accessPolicy()} and {@link #security()} carry their
 * defaults. Built only by {@link SessionParser}.
 */
public record Session(
    String name,
    String version,
    String predecessor,
    @JsonProperty("access_policy") AccessPolicy accessPolicy,
    List<Service> services,
    List<VolumeSpec> volumes,
    List<Image> images,
    List<SecretSpec> secrets,
    Security security) {

  public Session {
    services = services == null ? List.of() : List.copyOf(services);
    volumes = volumes == null ? List.of() : List.copyOf(volumes);
    images = images == null ? List.of() : List.copyOf(images);
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
    accessPolicy = accessPolicy == null ? AccessPolicy.DEFAULT : accessPolicy;
    security = security == null ? Security.DEFAULT : security;
  }

  /** The namespace this session lives in ({@code a/b} for {@code a/b/c}), empty at top level. */
  public Optional<String> namespace() {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? Optional.empty() : Optional.of(name.substring(0, slash));
  }

  public Optional<Service> service(String serviceName) {
    return services.stream().filter(s -> s.name().equals(serviceName)).findFirst();
  }

  /** The volume named {@code volumeName}, or whose {@code volume_alias} it is. */
  public Optional<VolumeSpec> volume(String volumeName) {
    Optional<VolumeSpec> byName = volumes.stream().filter(v -> volumeName.equals(v.name())).findFirst();
    return byName.isPresent() ? byName : volumes.stream().filter(v -> v.isNamed(volumeName)).findFirst();
  }

  public Optional<SecretSpec> secret(String secretName) {
    return secrets.stream().filter(s -> s.name().equals(secretName)).findFirst();
  }

  public Optional<Image> image(String imageName) {
    return images.stream().filter(i -> i.name().equals(imageName)).findFirst();
  }

  /** This session with {@code predecessor} set, as {@code session update} sends it. */
  public Session withPredecessor(String hash) {
    return new Session(name, version, hash, accessPolicy, services, volumes, images, secrets, security);
  }

  @Override
  public String toString() {
    return "Session[" + name + "]";
  }
}
