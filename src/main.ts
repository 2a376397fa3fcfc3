console.log("streambench");
