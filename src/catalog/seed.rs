//! A small seeded product list, served until the catalogue has a database.

use super::Product;

/// The products every fresh clone shows.
pub fn seeded_products() -> Vec<Product> {
    [
        (
            1,
            "Aurora Ceramic Pour-Over",
            "Hand-glazed stoneware dripper that brews a clean, bright cup.",
            "Kitchen",
            3400,
        ),
        (
            2,
            "Nordlys Wool Throw",
            "Merino wool blanket woven in a northern-lights gradient.",
            "Home",
            12900,
        ),
        (
            3,
            "Solstice Desk Lamp",
            "Dimmable LED lamp with a warm-to-daylight colour dial.",
            "Office",
            8900,
        ),
        (
            4,
            "Fjord Canvas Backpack",
            "Waxed-canvas daypack with a padded 16-inch laptop sleeve.",
            "Travel",
            11500,
        ),
        (
            5,
            "Ember Cast-Iron Skillet",
            "Pre-seasoned 26 cm skillet that goes from hob to oven.",
            "Kitchen",
            5200,
        ),
        (
            6,
            "Polar Trail Bottle",
            "Insulated steel bottle that keeps drinks cold for 24 hours.",
            "Outdoors",
            2900,
        ),
    ]
    .into_iter()
    .map(|(id, name, description, category, price_cents)| Product {
        id,
        name: name.to_owned(),
        description: description.to_owned(),
        category: category.to_owned(),
        price_cents,
        currency: "USD".to_owned(),
    })
    .collect()
}
