import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findJava, javaMajor } from '../../local-mesh/java';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cm-java-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fake Java installation: a release file and empty tools. */
function fakeJdk(name: string, version: string, tools = ['java', 'javac', 'keytool']): string {
  const home = join(dir, 'jvm', name);
  mkdirSync(join(home, 'bin'), { recursive: true });
  writeFileSync(join(home, 'release'), `JAVA_VERSION="${version}"\n`);
  for (const t of tools) {
    writeFileSync(join(home, 'bin', t), '#!/bin/sh\n');
    chmodSync(join(home, 'bin', t), 0o755);
  }
  return home;
}

describe('Java 17 for the broker', () => {
  it('reads major versions of both numbering schemes', () => {
    expect(javaMajor('17.0.15')).toBe(17);
    expect(javaMajor('1.8.0_392')).toBe(8);
    expect(javaMajor('25')).toBe(25);
  });

  it('picks the Java 17 JDK among several, whatever JAVA_HOME says', () => {
    const newer = fakeJdk('temurin-25-jdk', '25.0.1');
    const jdk17 = fakeJdk('java-17-openjdk', '17.0.15');
    expect(findJava({ JAVA_HOME: newer, PATH: '' }, join(dir, 'jvm')).home).toBe(jdk17);
  });

  it('fails if only other versions are installed, saying what to install', () => {
    fakeJdk('temurin-25-jdk', '25.0.1');
    expect(() => findJava({ PATH: '' }, join(dir, 'jvm'))).toThrow(/no Java 17 JDK found .*temurin-25-jdk \(25\.0\.1\).*apt-get install openjdk-17-jdk-headless/);
  });

  it('fails if no Java is installed at all', () => {
    expect(() => findJava({ PATH: '' }, join(dir, 'none'))).toThrow(/no Java 17 JDK found for the local Kafka 3\.7 broker \(no Java at all\): install a Java 17 JDK/);
  });

  it('fails if MESH_JAVA_HOME pins another version or a JRE without javac', () => {
    const newer = fakeJdk('temurin-25-jdk', '25.0.1');
    fakeJdk('java-17-openjdk', '17.0.15');
    expect(() => findJava({ MESH_JAVA_HOME: newer, PATH: '' }, join(dir, 'jvm'))).toThrow(/MESH_JAVA_HOME=.* is Java 25\.0\.1, but the local Kafka 3\.7 broker needs a Java 17 JDK/);
    const jre = fakeJdk('java-17-jre', '17.0.2', ['java', 'keytool']);
    expect(() => findJava({ MESH_JAVA_HOME: jre, PATH: '' }, join(dir, 'jvm'))).toThrow(/is Java 17\.0\.2 without javac/);
  });
});
