#!/usr/bin/perl
# Writes a small MaxMind DB for the geography tests with MaxMind's own writer (Debian libmaxmind-db-writer-perl), so
# Airwave's hand-written reader is checked against files it did not make.
# Usage: write-mmdb.pl OUT.mmdb < SPEC.json, where SPEC is
#   {"ip_version": 6, "record_size": 28, "networks": [{"network": "203.0.113.0/24", "data": {...GeoIP2 City record...}}]}
use strict;
use warnings;
use JSON::PP;
use MaxMind::DB::Writer::Tree;

my $out = shift or die "usage: $0 OUT.mmdb < SPEC.json\n";
my $spec = decode_json(do { local $/; <STDIN> });

# The types of the GeoIP2 City fields the tests use (the writer must be told each map key's type).
my %types = (
    city         => 'map',
    country      => 'map',
    subdivisions => [ 'array', 'map' ],
    names        => 'map',
    iso_code     => 'utf8_string',
    geoname_id   => 'uint32',
    en           => 'utf8_string',
    de           => 'utf8_string',
    location     => 'map',
    latitude     => 'double',
    longitude    => 'double',
    accuracy_radius => 'uint16',
    is_in_european_union => 'boolean',
);

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version               => $spec->{ip_version} // 6,
    record_size              => $spec->{record_size} // 28,
    database_type            => 'Airwave-Test-City',
    languages                => [ 'en', 'de' ],
    description              => { en => 'Airwave geography test database' },
    map_key_type_callback    => sub { $types{ $_[0] } },
    remove_reserved_networks => 0,
    alias_ipv6_to_ipv4       => ($spec->{ip_version} // 6) == 6 ? 1 : 0,
);

for my $entry (@{ $spec->{networks} }) {
    $tree->insert_network($entry->{network}, $entry->{data});
}

open my $fh, '>:raw', $out or die "$out: $!\n";
$tree->write_tree($fh);
close $fh or die "$out: $!\n";
