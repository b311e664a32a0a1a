package dev.confide.attest.tdx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What Intel's Provisioning Certification Service publishes for TDX, as an operator fetched it into
 * a folder: TCB Info ({@code {"tcbInfo":...,"signature":...}}, one per FMSPC), the QE Identity
 * ({@code {"enclaveIdentity":...}}), the CRLs (PCK platform or processor CA's, Root CA's; DER or
 * PEM) and the TCB signing certificate chain (PEM). Each JSON document's signature is over the
 * exact bytes of its value as the file holds them, from its opening brace to the comma before
 * {@code "signature"}: nothing is re-serialised.
 */
public final class TdxCollateral {
  /** A signed PCS document: its value's exact bytes, the signature (r‖s hex) and the parsed value. */
  public record Signed(String file, byte[] body, String signature, JsonNode value) {}

  private final List<Signed> tcbInfos;
  private final List<Signed> qeIdentities;
  private final List<X509CRL> crls;
  private final List<X509Certificate> certificates;

  TdxCollateral(List<Signed> tcbInfos, List<Signed> qeIdentities, List<X509CRL> crls, List<X509Certificate> certificates) {
    this.tcbInfos = List.copyOf(tcbInfos);
    this.qeIdentities = List.copyOf(qeIdentities);
    this.crls = List.copyOf(crls);
    this.certificates = List.copyOf(certificates);
  }

  /** No collateral: signatures and the PCK chain can still be checked, nothing after them. */
  public static TdxCollateral empty() {
    return new TdxCollateral(List.of(), List.of(), List.of(), List.of());
  }

  /** Every file of {@code dir} read as JSON, CRL or certificates; what is none of them is skipped. */
  public static TdxCollateral load(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    if (dir != null && Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        files.addAll(s.filter(Files::isRegularFile).sorted().toList());
      }
    }
    return of(files);
  }

  public static TdxCollateral of(List<Path> files) throws IOException {
    List<Signed> tcb = new ArrayList<>();
    List<Signed> qe = new ArrayList<>();
    List<X509CRL> crls = new ArrayList<>();
    List<X509Certificate> certs = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      Signed signed = signed(f.getFileName().toString(), bytes, text, "tcbInfo", json);
      if (signed != null) {
        tcb.add(signed);
        continue;
      }
      signed = signed(f.getFileName().toString(), bytes, text, "enclaveIdentity", json);
      if (signed != null) {
        qe.add(signed);
        continue;
      }
      try {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        crls.add((X509CRL) cf.generateCRL(new ByteArrayInputStream(bytes)));
        continue;
      } catch (java.security.cert.CRLException | java.security.cert.CertificateException | RuntimeException notCrl) {
        // perhaps certificates
      }
      try {
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))
            .forEach(c -> certs.add((X509Certificate) c));
      } catch (java.security.cert.CertificateException | RuntimeException notCertificates) {
        // neither: skipped
      }
    }
    return new TdxCollateral(tcb, qe, crls, certs);
  }

  private static Signed signed(String file, byte[] bytes, String text, String key, ObjectMapper json) {
    String head = "{\"" + key + "\":";
    String tail = ",\"signature\":\"";
    if (!text.startsWith(head)) {
      return null;
    }
    int end = text.lastIndexOf(tail);
    if (end < 0) {
      return null;
    }
    try {
      JsonNode doc = json.readTree(bytes);
      JsonNode value = doc.get(key);
      String signature = doc.path("signature").asText(null);
      if (value == null || signature == null) {
        return null;
      }
      return new Signed(file, java.util.Arrays.copyOfRange(bytes, head.length(), end), signature, value);
    } catch (IOException e) {
      return null;
    }
  }

  public List<Signed> tcbInfos() {
    return tcbInfos;
  }

  public List<Signed> qeIdentities() {
    return qeIdentities;
  }

  public List<X509CRL> crls() {
    return crls;
  }

  public List<X509Certificate> certificates() {
    return certificates;
  }

  public boolean isEmpty() {
    return tcbInfos.isEmpty() && qeIdentities.isEmpty() && crls.isEmpty();
  }
}
