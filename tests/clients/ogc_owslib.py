"""Reads riskmap's OGC API - Features with owslib, the reference Python client.

Usage: ogc_owslib.py BASE_URL API_KEY BBOX DATETIME
Prints one JSON object with what owslib saw; the calling test compares it with the database.
"""

import json
import sys

from owslib.ogcapi.features import Features


def main() -> None:
    base, key, bbox, datetime = sys.argv[1:5]
    api = Features(base, headers={"X-API-Key": key})
    out = {
        "collections": api.feature_collections(),
        "conformance": api.conformance()["conformsTo"],
        "service_desc_paths": sorted(api.api()["paths"].keys()),
    }
    sites = api.collection("sites")
    out["sites_extent"] = sites["extent"]["spatial"]["bbox"][0]

    box = [float(x) for x in bbox.split(",")]
    in_box = api.collection_items("sites", bbox=box, limit=10_000)
    out["bbox_matched"] = in_box["numberMatched"]
    out["bbox_returned"] = in_box["numberReturned"]
    out["bbox_inside"] = all(
        box[0] <= f["geometry"]["coordinates"][0] <= box[2]
        and box[1] <= f["geometry"]["coordinates"][1] <= box[3]
        for f in in_box["features"]
    )

    by_time = api.collection_items("incidents", datetime=datetime, limit=5)
    out["datetime_matched"] = by_time["numberMatched"]
    out["datetime_returned"] = by_time["numberReturned"]

    # every feature of a collection, page by page
    ids, offset, pages = [], 0, 0
    while True:
        page = api.collection_items("sites", limit=250, offset=offset)
        pages += 1
        ids.extend(f["id"] for f in page["features"])
        offset += page["numberReturned"]
        if page["numberReturned"] == 0 or offset >= page["numberMatched"]:
            break
    out["paged_ids"] = len(ids)
    out["paged_unique"] = len(set(ids))
    out["pages"] = pages

    one = api.collection_item("sites", str(ids[0]))
    out["one_id"] = one["id"]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
