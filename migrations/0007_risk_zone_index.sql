-- 0007: find the risk sources whose impact zone holds a point through the GiST index:
-- each zone's bbox in degrees (radius / 100 km per degree is never smaller than the
-- radius in Dongguan's latitudes: 1° ≈ 102 km east–west, 111 km north–south).
CREATE INDEX risk_sources_zone_idx ON risk_sources USING gist (ST_Expand(geom, impact_radius_m / 100000.0));
